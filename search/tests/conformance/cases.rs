//! The cases. Multi-word queries may, on Meilisearch, also return products that match only the
//! first words (its `last` matching strategy); cases about them assert what comes first.
//!
//! Over 300 lines: a table of cases, one per ranking or filtering rule, run on both engines.

use ocop_search::{FacetField, ProductFilters, SearchSort, Validity};

use crate::{SearchExt, case, corpus::TODAY, outlet_query, query};

fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids
}

fn filters() -> ProductFilters {
    ProductFilters::default()
}

// --- Vietnamese text ------------------------------------------------------------------------

case!(accent_free_query_finds_nuoc_mam, |h| {
    let ids = h.ids("nuoc mam").await;
    assert_eq!(sorted(ids[..3].to_vec()), [1, 2, 30], "{ids:?}");
});

case!(accented_query_finds_nuoc_mam, |h| {
    let ids = h.ids("nước mắm").await;
    assert_eq!(sorted(ids[..3].to_vec()), [1, 2, 30], "{ids:?}");
});

case!(upper_case_is_ignored, |h| {
    let ids = h.ids("NƯỚC MẮM").await;
    assert_eq!(sorted(ids[..3].to_vec()), [1, 2, 30], "{ids:?}");
});

case!(d_without_stroke_finds_d_with_stroke, |h| {
    assert_eq!(h.ids("duong phen").await.first(), Some(&19));
    assert_eq!(h.ids("Đường phèn").await.first(), Some(&19));
});

case!(tone_mark_placement_is_unified, |h| {
    // The product is written "Thanh Hoá", the query "Thanh Hóa" (and the other way round).
    assert!(h.ids("nem chua thanh hóa").await.starts_with(&[14]));
    assert!(h.ids("nem chua thanh hoá").await.starts_with(&[14]));
});

case!(typed_tones_rank_sesame_above_tamarind, |h| {
    let ids = h.ids("mè đen").await;
    assert_eq!(ids.first(), Some(&3), "{ids:?}");
});

case!(typed_tones_rank_coconut_above_melon, |h| {
    let ids = h.ids("dừa sáp").await;
    assert_eq!(ids.first(), Some(&29), "{ids:?}");
    let coconut = h.ids("kẹo dừa").await;
    assert_eq!(coconut.first(), Some(&5), "{coconut:?}");
});

case!(typed_tones_rank_melon_above_coconut, |h| {
    let ids = h.ids("dưa lưới").await;
    assert_eq!(ids.first(), Some(&6), "{ids:?}");
    let pickles = h.ids("dưa cải").await;
    assert_eq!(pickles.first(), Some(&31), "{pickles:?}");
});

case!(accent_free_query_finds_both_tones, |h| {
    let ids = h.ids("dua").await;
    for id in [5, 6, 29, 31] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
});

fn position(ids: &[i64], id: i64) -> usize {
    ids.iter()
        .position(|&i| i == id)
        .unwrap_or_else(|| panic!("{id} missing from {ids:?}"))
}

case!(
    a_single_word_typed_with_tones_ranks_exact_tones_first,
    |h| {
        // Typed and left as it is: the word is still a prefix, and its tones still decide.
        let sesame = h.ids("mè").await;
        assert_eq!(sesame.first(), Some(&3), "{sesame:?}");
        assert!(position(&sesame, 3) < position(&sesame, 4), "{sesame:?}");
        let tamarind = h.ids("me").await;
        for id in [3, 4] {
            position(&tamarind, id);
        }
        let coconut = h.ids("dừa").await;
        assert_eq!(sorted(coconut[..2].to_vec()), [5, 29], "{coconut:?}");
        assert!(
            position(&coconut, 29) < position(&coconut, 6),
            "{coconut:?}"
        );
        let melon = h.ids("dưa").await;
        assert_eq!(sorted(melon[..2].to_vec()), [6, 31], "{melon:?}");
        assert!(position(&melon, 31) < position(&melon, 5), "{melon:?}");
    }
);

case!(a_word_typed_with_tones_keeps_matching_as_a_prefix, |h| {
    let ids = h.ids("miế").await;
    assert_eq!(ids.first(), Some(&26), "miến: {ids:?}");
    let ids = h.ids("nướ").await;
    for id in [1, 2, 17, 30] {
        position(&ids, id);
    }
});

case!(words_typed_without_spaces_are_found, |h| {
    let ids = h.ids("nuocmam").await;
    assert_eq!(sorted(ids[..3].to_vec()), [1, 2, 30], "{ids:?}");
    let ids = h.ids("matong").await;
    assert_eq!(ids.first(), Some(&11), "mật ong: {ids:?}");
    let ids = h.ids("ngoctrai akoya").await;
    assert_eq!(ids.first(), Some(&9), "{ids:?}");
    let ids = h.ids("duongphen").await;
    assert_eq!(ids.first(), Some(&19), "{ids:?}");
});

case!(pages_of_a_multi_word_search_agree_with_one_long_page, |h| {
    // Small pages are cut from the full matches alone while they last, then from everything.
    let whole = h.products(query("nuoc mam").any()).await;
    assert!(whole.ids.len() > 3, "{:?}", whole.ids);
    let mut paged = Vec::new();
    for page in 1.. {
        let mut search = query("nuoc mam").any();
        search.page = page;
        search.page_size = 2;
        let hits = h.products(search).await;
        assert_eq!(hits.total_hits, whole.total_hits, "page {page}");
        assert_eq!(hits.facets, whole.facets, "page {page}");
        if hits.ids.is_empty() {
            break;
        }
        paged.extend(hits.ids);
    }
    assert_eq!(paged, whole.ids);
});

case!(counts_of_a_multi_word_search_follow_writes, |h| {
    // A page the full matches fill: the embedded index counts the rest apart, and keeps the
    // counts until the index changes.
    let small = || {
        let mut search = query("nuoc mam");
        search.page_size = 2;
        search
    };
    let before = h.products(small()).await;
    let again = h.products(small()).await;
    assert_eq!(before, again);
    // A product with "nước" alone counts among the partial matches of "nuoc mam" at once.
    let mut p = crate::corpus::products()
        .into_iter()
        .find(|p| p.id == 17)
        .unwrap();
    p.id = 90;
    h.backend().write_products(vec![p], vec![]).await.unwrap();
    let after = h.products(small()).await;
    assert_eq!(after.total_hits, before.total_hits + 1);
    assert_eq!(after.ids, before.ids, "the full matches still come first");
});

case!(facets_of_a_one_word_search_follow_writes, |h| {
    // The embedded index keeps a word's facets until the index changes.
    let provinces = |hits: &ocop_search::ProductHits| facet(hits, FacetField::Province);
    let before = h.products(query("nuoc")).await;
    assert_eq!(h.products(query("nuoc")).await, before);
    let mut p = crate::corpus::products()
        .into_iter()
        .find(|p| p.id == 17)
        .unwrap();
    p.id = 91;
    p.province_code = "99".into();
    h.backend().write_products(vec![p], vec![]).await.unwrap();
    let after = h.products(query("nuoc")).await;
    assert_eq!(after.total_hits, before.total_hits + 1);
    assert_eq!(
        count(&provinces(&after), "99"),
        1,
        "{:?}",
        provinces(&after)
    );
    assert_eq!(count(&provinces(&before), "99"), 0);
    assert!(after.ids.contains(&91));
});

case!(every_word_in_the_name_comes_first_also_while_typing, |h| {
    // 11 has every word in its name ("hoa" being typed); 12 has them all too, "mật ong" in its
    // description and "Hộ" in its producer's name.
    let ids = h.ids("mật ong ho").await;
    assert_eq!(ids.first(), Some(&11), "{ids:?}");
    assert!(position(&ids, 11) < position(&ids, 12), "{ids:?}");
    let ids = h.ids("mật ong hoa").await;
    assert_eq!(ids.first(), Some(&11), "{ids:?}");
    // Only 2 has "cửa", in its name: it comes before the other fish sauces.
    let ids = h.ids("nuoc mam cu").await;
    assert_eq!(ids.first(), Some(&2), "{ids:?}");
});

case!(
    full_matches_come_first_then_products_missing_the_last_words,
    |h| {
        // Nothing has a word starting "xyz": every product with "nước mắm" still comes, first,
        // and then the products with "nước" alone.
        let hits = h.products(query("nuoc mam xyz").any()).await;
        assert_eq!(sorted(hits.ids[..3].to_vec()), [1, 2, 30], "{:?}", hits.ids);
        let nuoc = h.products(query("nuoc").any()).await;
        assert_eq!(hits.total_hits, nuoc.total_hits, "{:?}", hits.ids);
        assert!(hits.ids.contains(&17), "nước khoáng: {:?}", hits.ids);
        // Words are dropped from the end: "Nước khoáng Quang Hanh" comes before the fish sauces,
        // which lack the second word (too short for a typo).
        let ids = h.ids("nuoc hanh mam").await;
        assert_eq!(ids.first(), Some(&17), "{ids:?}");
        for id in [1, 2, 30] {
            assert!(position(&ids, id) > 0, "{ids:?}");
        }
        // The first word is never dropped.
        assert!(h.ids("xyzxyz nuoc").await.is_empty());
    }
);

case!(last_word_matches_as_a_prefix, |h| {
    assert_eq!(sorted(h.ids("ngoc tr").await[..2].to_vec()), [9, 10]);
    assert_eq!(sorted(h.ids("nuoc ma").await[..3].to_vec()), [1, 2, 30]);
    assert_eq!(sorted(h.ids("nước mắ").await[..3].to_vec()), [1, 2, 30]);
});

case!(a_single_word_being_typed_matches_as_a_prefix, |h| {
    let ids = h.ids("akoy").await;
    assert_eq!(ids, [9]);
    let ids = h.ids("mie").await;
    assert!(ids.contains(&26), "miến: {ids:?}");
});

case!(long_words_tolerate_one_typo, |h| {
    assert_eq!(h.ids("tahitii").await, [10]);
    assert_eq!(h.ids("akoyaa trai").await.first(), Some(&9));
});

case!(short_words_do_not_tolerate_typos, |h| {
    assert!(h.ids("trxi").await.is_empty());
    assert!(h.ids("mwm").await.is_empty());
});

case!(a_name_match_outranks_a_description_match, |h| {
    let ids = h.ids("mật ong").await;
    let name = ids.iter().position(|&i| i == 11).expect("honey by name");
    let description = ids
        .iter()
        .position(|&i| i == 12)
        .expect("rice cracker by description");
    assert!(name < description, "{ids:?}");
});

case!(producer_names_are_searchable, |h| {
    assert_eq!(h.ids("Hảo Đạt").await.first(), Some(&7));
    assert_eq!(
        sorted(h.ids("ngoc trai ha long").await[..2].to_vec()),
        [9, 10]
    );
});

case!(category_names_are_searchable, |h| {
    let ids = h.ids("thủ công mỹ nghệ").await;
    assert_eq!(sorted(ids[..3].to_vec()), [9, 10, 20], "{ids:?}");
});

case!(ward_names_are_searchable, |h| {
    assert_eq!(h.ids("Tân Cương").await.first(), Some(&7));
});

case!(
    former_province_names_find_products_of_the_new_province,
    |h| {
        let ids = h.ids("quang binh").await;
        assert_eq!(
            ids.first(),
            Some(&3),
            "Quảng Bình is now Quảng Trị: {ids:?}"
        );
        let ids = h.ids("kẹo dừa bến tre").await;
        assert_eq!(ids.first(), Some(&5), "Bến Tre is now Vĩnh Long: {ids:?}");
        let ids = h.ids("binh duong").await;
        assert_eq!(
            sorted(ids[..2].to_vec()),
            [4, 6],
            "Bình Dương is now Hồ Chí Minh: {ids:?}"
        );
    }
);

case!(synonyms_tra_and_che_match_each_other, |h| {
    let ids = h.ids("trà tân cương").await;
    assert_eq!(ids.first(), Some(&7), "chè Tân Cương: {ids:?}");
});

case!(synonyms_heo_and_lon_match_each_other, |h| {
    assert_eq!(h.ids("thịt lợn rừng").await.first(), Some(&13));
});

case!(synonyms_me_and_vung_match_each_other, |h| {
    let ids = h.ids("vừng đen").await;
    assert_eq!(ids.first(), Some(&3), "{ids:?}");
});

case!(htx_matches_hop_tac_xa, |h| {
    let ids = h.ids("hợp tác xã chè").await;
    assert_eq!(ids.first(), Some(&7), "{ids:?}");
});

case!(hostile_text_is_just_text, |h| {
    for text in [
        "\"",
        "\\",
        "' OR 1=1 --",
        "province_code = \"22\" OR stars > 0",
        "\"nước mắm\" OR \"",
        "a\u{0}b\u{7}c",
        &"nước mắm ".repeat(400),
        "🍶 🐟",
        "*",
        "-",
    ] {
        let hits = h.backend().search_products(&query(text).any()).await;
        assert!(hits.is_ok(), "{text:?}: {hits:?}");
    }
});

case!(an_empty_query_lists_everything_matching_the_filters, |h| {
    let all = h.products(query("").any()).await;
    assert_eq!(all.total_hits, 32);
    let valid = h.products(query("")).await;
    assert_eq!(valid.total_hits, 29);
});

// --- Filters --------------------------------------------------------------------------------

case!(filter_by_province, |h| {
    let hits = h
        .products(query("").filters(ProductFilters {
            province_codes: vec!["42".into()],
            ..filters()
        }))
        .await;
    assert_eq!(sorted(hits.ids), [2, 11, 12, 25, 27, 32]);
});

case!(filter_by_region, |h| {
    let hits = h
        .products(query("").filters(ProductFilters {
            region_codes: vec!["TDMNPB".into()],
            ..filters()
        }))
        .await;
    assert_eq!(sorted(hits.ids), [7, 18]);
});

case!(filter_by_top_level_group_includes_its_sets, |h| {
    let hits = h
        .products(query("").filters(ProductFilters {
            category_codes: vec!["IV".into()],
            validity: Validity::Any,
            ..filters()
        }))
        .await;
    assert_eq!(sorted(hits.ids), [9, 10, 20]);
});

case!(filter_by_product_set, |h| {
    let hits = h
        .products(query("").filters(ProductFilters {
            category_codes: vec!["I.4.a".into()],
            ..filters()
        }))
        .await;
    assert_eq!(sorted(hits.ids), [1, 2, 30]);
});

case!(filter_by_minimum_stars, |h| {
    let hits = h
        .products(query("").filters(ProductFilters {
            min_stars: Some(5),
            ..filters()
        }))
        .await;
    assert_eq!(sorted(hits.ids), [1, 5, 7, 9, 15, 18, 28, 29, 30]);
});

case!(filter_by_producer_kind, |h| {
    let hits = h
        .products(query("").filters(ProductFilters {
            producer_kinds: vec!["COOPERATIVE_GROUP".into()],
            ..filters()
        }))
        .await;
    assert_eq!(sorted(hits.ids), [11, 21, 32]);
});

case!(filter_by_outlet, |h| {
    let hits = h
        .products(query("").filters(ProductFilters {
            outlet_id: Some(501),
            ..filters()
        }))
        .await;
    assert_eq!(sorted(hits.ids), [1, 9, 26]);
});

case!(filter_by_updated_since, |h| {
    let hits = h
        .products(query("").filters(ProductFilters {
            updated_since: Some(1_790_000_000),
            ..filters()
        }))
        .await;
    assert_eq!(sorted(hits.ids), [4, 6]);
});

case!(filters_combine_with_text, |h| {
    let hits = h
        .products(query("nuoc mam").filters(ProductFilters {
            province_codes: vec!["38".into()],
            ..filters()
        }))
        .await;
    assert_eq!(hits.ids, [30]);
});

case!(
    hostile_filter_values_match_nothing_instead_of_failing,
    |h| {
        let hostile = ProductFilters {
            province_codes: vec!["22\" OR province_code = \"42".into(), "\\".into()],
            ..filters()
        };
        let hits = h.products(query("").filters(hostile)).await;
        assert_eq!(hits.total_hits, 0);
    }
);

// --- Validity by date -----------------------------------------------------------------------

case!(
    expired_revoked_and_uncertified_products_are_not_valid,
    |h| {
        let ids = h.products(query("")).await.ids;
        for id in [10, 16, 20] {
            assert!(!ids.contains(&id), "{id} is not valid");
        }
        assert!(
            ids.contains(&15) && ids.contains(&24),
            "expiring soon is still valid"
        );
    }
);

case!(each_validity_state_selects_its_products, |h| {
    let with = |v| {
        query("").filters(ProductFilters {
            validity: v,
            ..filters()
        })
    };
    assert_eq!(sorted(h.products(with(Validity::Expired)).await.ids), [10]);
    assert_eq!(sorted(h.products(with(Validity::Revoked)).await.ids), [16]);
    assert_eq!(sorted(h.products(with(Validity::None)).await.ids), [20]);
    assert_eq!(
        sorted(h.products(with(Validity::ExpiringSoon)).await.ids),
        [15, 24]
    );
});

case!(
    a_certificate_leaves_valid_results_on_its_expiry_day_without_reindexing,
    |h| {
        let mut tomorrow = query("vai thieu");
        tomorrow.today = TODAY + 1;
        assert_eq!(
            h.products(query("vai thieu")).await.ids,
            [24],
            "valid today"
        );
        assert!(
            h.products(tomorrow.clone()).await.ids.is_empty(),
            "expired on its expiry day"
        );
        tomorrow.filters.validity = Validity::Expired;
        assert_eq!(h.products(tomorrow).await.ids, [24]);
        // Each day answers for itself, whichever was asked first (the embedded index keeps
        // the products of each state per day).
        assert_eq!(h.products(query("vai thieu")).await.ids, [24]);
        let complete = |today| ocop_search::NameSuggest {
            text: "vai th".into(),
            limit: 5,
            today,
        };
        let backend = h.backend();
        assert_eq!(
            backend.suggest_products(&complete(TODAY)).await.unwrap(),
            [24]
        );
        assert!(
            backend
                .suggest_products(&complete(TODAY + 1))
                .await
                .unwrap()
                .is_empty()
        );
    }
);

// --- Facets ---------------------------------------------------------------------------------

fn facet(hits: &ocop_search::ProductHits, field: FacetField) -> Vec<(String, u64)> {
    hits.facets
        .iter()
        .find(|f| f.field == field)
        .map(|f| f.values.clone())
        .unwrap_or_default()
}

fn count(values: &[(String, u64)], value: &str) -> u64 {
    values
        .iter()
        .find(|(v, _)| v == value)
        .map_or(0, |(_, n)| *n)
}

case!(province_facet_counts_the_filtered_results, |h| {
    let hits = h.products(query("nuoc mam")).await;
    let provinces = facet(&hits, FacetField::Province);
    assert_eq!(count(&provinces, "91"), 1);
    assert_eq!(count(&provinces, "42"), 1);
    assert_eq!(count(&provinces, "38"), 1);
    assert_eq!(
        provinces.iter().map(|(_, n)| n).sum::<u64>(),
        hits.total_hits
    );
});

case!(region_facet_counts_every_product, |h| {
    let hits = h.products(query("")).await;
    let regions = facet(&hits, FacetField::Region);
    assert_eq!(regions.iter().map(|(_, n)| n).sum::<u64>(), 29);
    assert_eq!(count(&regions, "TDMNPB"), 2);
});

case!(category_facet_counts_sets_and_groups, |h| {
    let hits = h.products(query("")).await;
    let categories = facet(&hits, FacetField::Category);
    assert_eq!(count(&categories, "I.4.a"), 3);
    assert_eq!(count(&categories, "IV"), 1, "one valid handicraft");
    assert_eq!(count(&categories, "I"), 23);
});

case!(stars_and_producer_kind_facets_count_the_results, |h| {
    let hits = h.products(query("")).await;
    let stars = facet(&hits, FacetField::Stars);
    assert_eq!(
        (count(&stars, "3"), count(&stars, "4"), count(&stars, "5")),
        (9, 11, 9)
    );
    let kinds = facet(&hits, FacetField::ProducerKind);
    assert_eq!(count(&kinds, "COOPERATIVE_GROUP"), 3);
    assert_eq!(kinds.iter().map(|(_, n)| n).sum::<u64>(), 29);
});

case!(facets_follow_the_filters, |h| {
    let hits = h
        .products(query("").filters(ProductFilters {
            province_codes: vec!["22".into()],
            ..filters()
        }))
        .await;
    let provinces = facet(&hits, FacetField::Province);
    assert_eq!(provinces, [("22".to_owned(), 5)]);
});

// --- Sorting and paging ---------------------------------------------------------------------

case!(stars_sort_puts_five_stars_first, |h| {
    let mut search = query("");
    search.sort = SearchSort::StarsDesc;
    let hits = h.products(search).await;
    let five: Vec<i64> = hits.ids[..9].to_vec();
    assert_eq!(sorted(five), [1, 5, 7, 9, 15, 18, 28, 29, 30]);
});

case!(newest_sort_puts_the_latest_first, |h| {
    let mut search = query("");
    search.sort = SearchSort::Newest;
    assert_eq!(h.products(search).await.ids[..3].to_vec(), [32, 31, 30]);
});

case!(pages_partition_the_results_with_an_exact_total, |h| {
    let mut seen = Vec::new();
    for page in 1..=4 {
        let mut search = query("").any();
        search.sort = SearchSort::Newest;
        search.page = page;
        search.page_size = 10;
        let hits = h.products(search).await;
        assert_eq!(hits.total_hits, 32);
        seen.extend(hits.ids);
    }
    assert_eq!(sorted(seen), (1..=32).collect::<Vec<_>>());
    let mut beyond = query("").any();
    beyond.page = 9;
    beyond.page_size = 10;
    let hits = h.products(beyond).await;
    assert!(hits.ids.is_empty());
    assert_eq!(hits.total_hits, 32);
});

// --- Outlets --------------------------------------------------------------------------------

case!(outlets_by_province_name_with_or_without_accents, |h| {
    for text in ["ha tinh", "Hà Tĩnh"] {
        let ids: Vec<i64> = h
            .outlets(outlet_query(text))
            .await
            .hits
            .iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(sorted(ids[..2].to_vec()), [502, 506], "{text}: {ids:?}");
    }
});

case!(outlets_by_former_province_name, |h| {
    let hits = h.outlets(outlet_query("quang binh")).await;
    assert_eq!(hits.hits.first().map(|o| o.id), Some(505));
});

case!(outlets_near_a_point_nearest_first_within_the_radius, |h| {
    let mut search = outlet_query("");
    search.near = Some((21.0285, 105.8542));
    search.radius_km = Some(50.0);
    let hits = h.outlets(search).await;
    let ids: Vec<i64> = hits.hits.iter().map(|o| o.id).collect();
    assert_eq!(ids, [503, 504], "Hà Nội outlets only, nearest first");
    let d = hits.hits[0].distance_km.expect("a distance");
    assert!((1.0..3.0).contains(&d), "{d}");
});

case!(outlets_filter_by_kind, |h| {
    let mut search = outlet_query("");
    search.kinds = vec!["HIGHWAY_STOP".into(), "TRANSPORT_HUB".into()];
    let mut ids: Vec<i64> = h.outlets(search).await.hits.iter().map(|o| o.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, [504, 506]);
});

case!(outlet_text_and_point_combine, |h| {
    let mut search = outlet_query("ocop");
    search.near = Some((18.34, 105.90));
    let hits = h.outlets(search).await;
    assert_eq!(hits.hits.first().map(|o| o.id), Some(502));
});

// --- Suggestions and highlights -------------------------------------------------------------

async fn suggested(h: &crate::Harness, text: &str) -> Vec<i64> {
    let query = ocop_search::NameSuggest {
        text: text.to_owned(),
        limit: 10,
        today: TODAY,
    };
    h.backend()
        .suggest_products(&query)
        .await
        .expect("suggestions")
}

case!(suggestions_complete_names_as_typed, |h| {
    // Names with both words, the second still being typed; not 17 (another "nước"), not 5
    // (whose description, not name, says "nước").
    assert_eq!(sorted(suggested(&h, "nuoc m").await), [1, 2, 30]);
    assert_eq!(sorted(suggested(&h, "Nước mắ").await), [1, 2, 30]);
    assert_eq!(sorted(suggested(&h, "nuocmam").await), [1, 2, 30]);
    let tea = suggested(&h, "tra").await;
    assert!(tea.contains(&8) && tea.contains(&32), "{tea:?}");
    // Only valid certificates: 10 (Tahiti) has expired.
    assert_eq!(suggested(&h, "ngoc tr").await, [9]);
    assert!(suggested(&h, "").await.is_empty());
    assert!(suggested(&h, "xyzxyz").await.is_empty());
});

case!(search_hits_highlight_every_typed_word_in_the_name, |h| {
    let names: std::collections::HashMap<i64, String> = crate::corpus::products()
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    for (typed, marked) in [
        ("mat ong", vec!["Mật", "ong"]),
        ("nuocmam cua", vec!["Nước mắm", "Cửa"]),
        ("ngọc trai ak", vec!["Ngọc", "trai", "Ak"]),
    ] {
        let ids = h.ids(typed).await;
        let top = ids
            .first()
            .unwrap_or_else(|| panic!("{typed}: nothing found"));
        let name = &names[top];
        let lit = ocop_search::highlight::Matcher::new(typed).highlight(name);
        let units: Vec<u16> = lit.snippet.encode_utf16().collect();
        let got: Vec<String> = lit
            .ranges
            .iter()
            .map(|r| String::from_utf16(&units[r.start..r.start + r.length]).unwrap())
            .collect();
        assert_eq!(got, marked, "{typed} → {name}");
    }
});
