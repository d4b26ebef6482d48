use crate::common::*;
use base64::Engine;
use reqwest::Method;
use serde_json::{Value, json};
use std::cmp::Ordering;

const FILE_SORTS: [&str; 12] = [
    "CREATED_DATE",
    "CREATED_DATE_DESC",
    "MODIFIED_DATE",
    "MODIFIED_DATE_DESC",
    "NAME",
    "NAME_DESC",
    "SIZE",
    "SIZE_DESC",
    "DIMENSION",
    "DIMENSION_DESC",
    "ADDED_DATE",
    "ADDED_DATE_DESC",
];

fn num(v: &Value) -> i64 {
    v.as_str().unwrap().parse().unwrap()
}

fn ms(v: &Value) -> i64 {
    mylibrary_emulator::time::parse_iso(v.as_str().unwrap()).unwrap()
}

/// The order a sort must produce, ties broken by id in the sort's direction.
fn expected_cmp(sort: &str, a: &Value, b: &Value) -> Ordering {
    let desc = sort.ends_with("_DESC");
    let key = sort.trim_end_matches("_DESC");
    let ord = match key {
        "CREATED_DATE" | "ADDED_DATE" => ms(&a["created_date"]).cmp(&ms(&b["created_date"])),
        "MODIFIED_DATE" => ms(&a["modified_date"]).cmp(&ms(&b["modified_date"])),
        "NAME" => {
            let (x, y) = (a["name"].as_str().unwrap(), b["name"].as_str().unwrap());
            x.to_lowercase().cmp(&y.to_lowercase()).then(x.cmp(y))
        }
        "SIZE" => a["size"].as_u64().cmp(&b["size"].as_u64()),
        "DIMENSION" => (a["width"].as_u64().unwrap() * a["height"].as_u64().unwrap())
            .cmp(&(b["width"].as_u64().unwrap() * b["height"].as_u64().unwrap())),
        other => panic!("{other}"),
    }
    .then(num(&a["id"]).cmp(&num(&b["id"])));
    if desc { ord.reverse() } else { ord }
}

async fn walk(emu: &Emu, first: &str) -> (Vec<Value>, usize) {
    let mut out = Vec::new();
    let mut pages = 0;
    let mut page = emu.get(first).await;
    loop {
        pages += 1;
        out.extend(page["results"].as_array().unwrap().iter().cloned());
        match page["meta"]["pagination"]["next_link"].as_str() {
            Some(next) => {
                let (path, token) = next.split_once("?next=").unwrap();
                assert!(path.starts_with("/v2/library/"));
                assert!(!token.contains('='), "unpadded");
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(token)
                    .unwrap();
                page = emu
                    .get(&format!(
                        "{}?next={token}",
                        path.strip_prefix("/v2/library").unwrap()
                    ))
                    .await;
            }
            None => {
                assert_eq!(
                    page["meta"]["pagination"],
                    json!({}),
                    "the last page has an empty pagination"
                );
                break;
            }
        }
    }
    (out, pages)
}

#[tokio::test]
async fn every_sort_order_pages_without_repeats_or_gaps() {
    let emu = Setup {
        files: 80,
        folders: 5,
        ..Setup::default()
    }
    .start()
    .await;
    // some trash, and a folder with enough files to page
    let all = emu.all("/files?limit=1000").await;
    let trash_ids: Vec<String> = ids(&all).into_iter().step_by(5).collect();
    assert_eq!(
        emu.json(
            Method::DELETE,
            &format!("/files/{}", trash_ids.join(",")),
            None
        )
        .await
        .0,
        204
    );
    let keep: Vec<String> = ids(&all).into_iter().skip(1).step_by(5).take(12).collect();
    assert_eq!(
        emu.json(Method::PUT, "/folders/-1/files", Some(json!(keep)))
            .await
            .0,
        200
    );

    for (collection, extra) in [
        ("/files", "&type=ALL"),
        ("/folders/trash/files", ""),
        ("/folders/-1/files", "&source=ALL"),
    ] {
        for sort in FILE_SORTS {
            let (paged, pages) =
                walk(&emu, &format!("{collection}?limit=7&sort_by={sort}{extra}")).await;
            let whole = emu
                .get(&format!("{collection}?limit=1000&sort_by={sort}{extra}"))
                .await;
            let whole = whole["results"].as_array().unwrap();
            assert_eq!(ids(&paged), ids(whole), "{collection} {sort}");
            assert_eq!(pages, whole.len().div_ceil(7).max(1), "{collection} {sort}");
            let mut sorted = whole.clone();
            sorted.sort_by(|a, b| expected_cmp(sort, a, b));
            assert_eq!(ids(&sorted), ids(whole), "{collection} {sort}: order");
            let mut unique = ids(&paged);
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), paged.len());
        }
    }
}

#[tokio::test]
async fn next_carries_the_query_and_ignores_other_parameters() {
    let emu = Setup {
        files: 40,
        folders: 3,
        ..Setup::default()
    }
    .start()
    .await;
    let first = emu
        .get("/files?limit=5&sort_by=SIZE_DESC&type=IMAGES&source=MyComputer")
        .await;
    let next = first["meta"]["pagination"]["next_link"].as_str().unwrap();
    let token = next.split_once("?next=").unwrap().1;
    let decoded = String::from_utf8(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        decoded,
        "offset=5&limit=5&sort_by=SIZE_DESC&source=MyComputer&type=IMAGES"
    );
    let plain = emu.get(&format!("/files?next={token}")).await;
    let noisy = emu
        .get(&format!(
            "/files?limit=1&sort_by=NAME&type=DOCUMENTS&next={token}"
        ))
        .await;
    assert_eq!(plain, noisy);
    assert_eq!(plain["results"].as_array().unwrap().len(), 5);
    assert!(
        plain["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["is_image"] == true && f["source"] == "MyComputer")
    );
    // garbled tokens are a 400, never a 500
    for bad in [
        "%%%",
        "b2Zmc2V0PXgmbGltaXQ9NQ",
        "bm9uc2Vuc2U",
        "b2Zmc2V0PTUmbGltaXQ9OTk5OTk",
    ] {
        let (s, v) = emu
            .json(Method::GET, &format!("/files?next={bad}"), None)
            .await;
        assert_eq!(
            (s, error_key(&v)),
            (400, "http.status.bad_request"),
            "{bad}"
        );
    }
    // limits
    for (q, status) in [
        ("limit=0", 400),
        ("limit=1001", 400),
        ("limit=1.5", 400),
        ("limit=abc", 400),
        ("limit=1", 200),
        ("limit=1000", 200),
    ] {
        assert_eq!(
            emu.json(Method::GET, &format!("/files?{q}"), None).await.0,
            status,
            "{q}"
        );
    }
}

#[tokio::test]
async fn folders_page_in_every_sort_order() {
    let emu = emu().await;
    for i in 0..12 {
        emu.create_folder(&format!("Folder {:02}", (i * 7) % 12), None)
            .await;
    }
    for sort in [
        "CREATED_DATE",
        "CREATED_DATE_DESC",
        "MODIFIED_DATE",
        "MODIFIED_DATE_DESC",
        "NAME",
        "NAME_DESC",
        "ADDED_DATE",
    ] {
        let (paged, pages) = walk(&emu, &format!("/folders?limit=5&sort_by={sort}")).await;
        assert_eq!(pages, 3, "{sort}");
        let whole = emu
            .get(&format!("/folders?limit=1000&sort_by={sort}"))
            .await;
        assert_eq!(
            ids(&paged),
            ids(whole["results"].as_array().unwrap()),
            "{sort}"
        );
        assert_eq!(paged.len(), 14);
    }
    let names: Vec<String> = emu
        .all("/folders?limit=4&sort_by=NAME")
        .await
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted);
}
