//! Property tests (proptest) of URL and query building and of every response decoder: no input
//! makes them panic, ids never leave their path segment, and what is encoded decodes back.
#![cfg(not(target_arch = "wasm32"))]

use ctct_mylibrary::cursor::next_token;
use ctct_mylibrary::models::*;
use ctct_mylibrary::ops::json_string;
use ctct_mylibrary::redact::{REDACTED, Redactor};
use ctct_mylibrary::url::{Seg, build, check_id, chunk_ids, encode_component, percent_decode};
use proptest::prelude::*;
use serde_json::Value;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("Active"),
            Just("JPG"),
            Just("0"),
            Just(""),
            Just("-4"),
            Just("/v2/library/files?next=abc")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        let keys = prop_oneof![
            Just("id"),
            Just("name"),
            Just("size"),
            Just("width"),
            Just("height"),
            Just("status"),
            Just("file_type"),
            Just("type"),
            Just("folder_id"),
            Just("parent_id"),
            Just("children"),
            Just("results"),
            Just("meta"),
            Just("pagination"),
            Just("next_link"),
            Just("usage_summary"),
            Just("file_id"),
            Just("thumbnail"),
            Just("url"),
            Just("level"),
            Just("item_count"),
            Just("x"),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys.prop_map(String::from), inner, 0..10)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn seed(name: &str) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// An id, whatever its characters, stays one path segment and decodes back.
    #[test]
    fn ids_stay_in_their_segment(id in ".{1,40}") {
        prop_assume!(check_id(&id).is_ok());
        let url = build("https://api.constantcontact.com/v2", &[Seg::Lit("files"), Seg::Id(&id)], &[("limit", "5".into())], Some("k"));
        let rest = url.strip_prefix("https://api.constantcontact.com/v2/library/files/").unwrap();
        let (segment, query) = rest.split_once('?').unwrap();
        prop_assert!(!segment.contains('/') && !segment.contains('#'));
        prop_assert_eq!(query, "limit=5&api_key=k");
        prop_assert_eq!(percent_decode(segment).unwrap(), id);
    }

    /// Query values are encoded the same way and decode back.
    #[test]
    fn query_values_round_trip(v in ".{0,40}") {
        prop_assert_eq!(percent_decode(&encode_component(&v)).unwrap(), v);
    }

    /// Long id lists are split in order, within the limits.
    #[test]
    fn id_lists_split_in_order(ids in prop::collection::vec("[0-9a-z%/-]{1,12}", 1..400), max_ids in 1usize..120, max_chars in 20usize..2000) {
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let chunks = chunk_ids(&refs, max_chars, max_ids);
        prop_assert_eq!(chunks.concat(), refs);
        for c in &chunks {
            prop_assert!(c.len() <= max_ids);
            let len: usize = c.iter().map(|i| encode_component(i).len() + 1).sum();
            prop_assert!(c.len() == 1 || len <= max_chars);
        }
    }

    /// JSON bodies are built by hand; they parse back to the same strings.
    #[test]
    fn json_strings_round_trip(s in any::<String>()) {
        prop_assert_eq!(serde_json::from_str::<String>(&json_string(&s)).unwrap(), s);
    }

    /// A credential never survives redaction, plain or percent-encoded.
    #[test]
    fn redaction_removes_secrets(prefix in ".{0,20}", suffix in ".{0,20}", secret in "[A-Za-z0-9+/=_-]{8,36}") {
        let r = Redactor::new([secret.as_str()]);
        for text in [format!("{prefix}{secret}{suffix}"), format!("{prefix}{}{suffix}", encode_component(&secret))] {
            let out = r.apply(&text);
            prop_assert!(!out.contains(&secret), "{out}");
            prop_assert!(out.contains(REDACTED));
        }
    }

    /// A "secret" too short to be a credential never changes a message.
    #[test]
    fn short_secrets_leave_text_alone(text in ".{0,60}", secret in ".{1,7}") {
        prop_assert_eq!(Redactor::new([secret.as_str()]).apply(&text), text);
    }

    /// No JSON makes a decoder panic.
    #[test]
    fn decoders_never_panic(v in json_value()) {
        let _ = serde_json::from_value::<FilePage>(v.clone());
        let _ = serde_json::from_value::<FolderPage>(v.clone());
        let _ = serde_json::from_value::<Folder>(v.clone());
        let _ = serde_json::from_value::<LibraryFile>(v.clone());
        let _ = serde_json::from_value::<LibraryInfo>(v.clone());
        let _ = serde_json::from_value::<Vec<UploadStatus>>(v.clone());
        let _ = serde_json::from_value::<Vec<MoveResult>>(v);
    }

    /// The seed page with any one field replaced decodes or is refused, never panics; and
    /// when it decodes, the nine ids come through in order.
    #[test]
    fn seed_page_with_one_field_replaced(file in 0usize..9, key in "[a-z_]{2,14}", v in json_value()) {
        let mut page = seed("seed-files.json");
        page["results"][file][key.as_str()] = v;
        if let Ok(p) = serde_json::from_value::<FilePage>(page) {
            prop_assert_eq!(p.results.len(), 9);
            prop_assert_eq!(p.results[0].id.as_str(), if file == 0 { p.results[0].id.as_str() } else { "9" });
        }
    }

    /// Any bytes: the text decoders refuse or accept, never panic.
    #[test]
    fn arbitrary_text(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = serde_json::from_slice::<FilePage>(&bytes);
        let _ = serde_json::from_slice::<LibraryInfo>(&bytes);
        let _ = next_token(&String::from_utf8_lossy(&bytes));
    }
}
