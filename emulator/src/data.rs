//! The default library: the seed examples of the v2 docs, verbatim, plus a deterministic
//! generated library of real images in a three-level folder tree.

use crate::images::{self, Hosted, Rng};
use crate::model::*;
use crate::store::{Library, Limits};
use bytes::Bytes;
use image::{DynamicImage, ImageFormat};
use std::sync::{Arc, OnceLock};

/// What to generate beside the seeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dataset {
    pub files: usize,
    pub folders: usize,
    pub seed: u64,
    /// Whether the library holds the documentation's seed examples (the first account's does;
    /// the other accounts' libraries are generated only).
    pub examples: bool,
}

impl Default for Dataset {
    fn default() -> Self {
        Dataset {
            files: 300,
            folders: 18,
            seed: 1,
            examples: true,
        }
    }
}

/// An image or document shared by many generated files.
struct Asset {
    file_type: FileType,
    content: Arc<Hosted>,
    thumb: Option<Arc<Hosted>>,
    width: u32,
    height: u32,
    thumb_w: u32,
    thumb_h: u32,
}

/// The nine files of the v2 "Library Files collection" page:
/// (id, name, description, folder, folder_id, height, width, size, thumb h, thumb w, created, modified).
type SeedFile = (
    u64,
    &'static str,
    &'static str,
    &'static str,
    Option<i64>,
    u32,
    u32,
    usize,
    u32,
    u32,
    &'static str,
    &'static str,
);
const SEED_FILES: [SeedFile; 9] = [
    (
        9,
        "IMG_0341.JPG",
        "buildings_steel",
        "wildflowers",
        Some(-1),
        612,
        792,
        304_560,
        154,
        200,
        "2013-09-26T10:52:46.000-04:00",
        "2013-09-26T12:32:41.000-04:00",
    ),
    (
        8,
        "IMG_0268.JPG",
        "buildings_glass",
        "wildflowers",
        Some(-1),
        480,
        640,
        114_637,
        150,
        200,
        "2013-09-26T10:51:59.000-04:00",
        "2013-09-26T12:32:41.000-04:00",
    ),
    (
        7,
        "IMG_0267.JPG",
        "daisy_snow2",
        ROOT_FOLDER_NAME,
        None,
        600,
        800,
        42_217,
        150,
        200,
        "2013-09-26T10:51:28.000-04:00",
        "2013-09-26T10:51:28.000-04:00",
    ),
    (
        6,
        "IMG_0266.JPG",
        "daisy_snow",
        ROOT_FOLDER_NAME,
        None,
        600,
        800,
        39_952,
        150,
        200,
        "2013-09-26T10:50:55.000-04:00",
        "2013-09-26T10:50:56.000-04:00",
    ),
    (
        5,
        "IMG_0255.JPG",
        "wrestler_compete2",
        ROOT_FOLDER_NAME,
        None,
        240,
        320,
        118_608,
        150,
        200,
        "2013-09-26T10:50:06.000-04:00",
        "2013-09-26T10:50:06.000-04:00",
    ),
    (
        4,
        "IMG_0256.JPG",
        "wrestler_compete1",
        ROOT_FOLDER_NAME,
        None,
        240,
        320,
        119_043,
        150,
        200,
        "2013-09-26T10:49:25.000-04:00",
        "2013-09-26T10:49:25.000-04:00",
    ),
    (
        3,
        "IMG_0257.JPG",
        "wrestler_compete",
        ROOT_FOLDER_NAME,
        None,
        320,
        240,
        130_761,
        200,
        150,
        "2013-09-26T10:48:45.000-04:00",
        "2013-09-26T10:48:45.000-04:00",
    ),
    (
        2,
        "IMG_0248.JPG",
        "profile_left",
        ROOT_FOLDER_NAME,
        None,
        480,
        640,
        152_592,
        150,
        200,
        "2013-09-26T10:47:02.000-04:00",
        "2013-09-26T10:48:10.000-04:00",
    ),
    (
        1,
        "IMG_0250.JPG",
        "bio_photo",
        ROOT_FOLDER_NAME,
        None,
        480,
        640,
        121_559,
        150,
        200,
        "2013-09-26T10:46:27.000-04:00",
        "2013-09-26T10:46:27.000-04:00",
    ),
];

/// How many files and folders the seed examples are (the nine files, the document; the three
/// folders).
pub const EXAMPLE_FILES: usize = SEED_FILES.len() + 1;
pub const EXAMPLE_FOLDERS: usize = 3;

/// Id of the seed document that gives the seed folder `Documents` its `item_count` of 1.
pub const SEED_DOCUMENT_ID: u64 = 10;
const FIRST_GENERATED_FILE: u64 = 11;
const FIRST_GENERATED_FOLDER: i64 = -11;
/// Generated items are dated between these instants, before every seed.
const GEN_FROM_MS: i64 = 1_262_304_000_000; // 2010-01-01
const GEN_TO_MS: i64 = 1_380_067_200_000; // 2013-09-25

fn seed_assets() -> &'static [Asset] {
    static SEEDS: OnceLock<Vec<Asset>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        SEED_FILES
            .iter()
            .map(|&(id, .., h, w, size, _, _, _, _)| {
                let scene = images::render_scene(w, h, 1000 + id);
                let jpeg = images::jpeg_of_exact_size(&scene, size);
                let (thumb, thumb_w, thumb_h) =
                    images::thumbnail(&DynamicImage::ImageRgb8(scene), ImageFormat::Jpeg);
                Asset {
                    file_type: FileType::Jpg,
                    content: Arc::new(images::hosted(Bytes::from(jpeg), ImageFormat::Jpeg)),
                    thumb: Some(Arc::new(thumb)),
                    width: w,
                    height: h,
                    thumb_w,
                    thumb_h,
                }
            })
            .collect()
    })
}

fn document(title: &str) -> Asset {
    Asset {
        file_type: FileType::Pdf,
        content: Arc::new(Hosted {
            bytes: Bytes::from(images::pdf(title)),
            content_type: "application/pdf",
            ext: "pdf",
        }),
        thumb: None,
        width: 0,
        height: 0,
        thumb_w: 0,
        thumb_h: 0,
    }
}

/// The pool of images and documents the generated files share, so that a 10,000-file
/// library starts in well under a second.
fn pool() -> &'static [Asset] {
    static POOL: OnceLock<Vec<Asset>> = OnceLock::new();
    POOL.get_or_init(|| {
        const DIMS: [(u32, u32); 12] = [
            (1024, 768),
            (800, 600),
            (640, 480),
            (600, 800),
            (1200, 675),
            (500, 500),
            (320, 240),
            (960, 640),
            (480, 640),
            (1280, 720),
            (700, 700),
            (400, 300),
        ];
        let make = |i: u32| {
            let (format, (w, h)) = match i % 8 {
                5 => (ImageFormat::Png, DIMS[i as usize % 12]),
                7 if i % 16 == 7 => (ImageFormat::Gif, (320, 240)),
                _ => (ImageFormat::Jpeg, DIMS[i as usize % 12]),
            };
            let img = DynamicImage::ImageRgb8(images::render_scene(w, h, i as u64 + 1));
            let bytes = images::encode(&img, format);
            let (thumb, thumb_w, thumb_h) = images::thumbnail(&img, format);
            Asset {
                file_type: match format {
                    ImageFormat::Png => FileType::Png,
                    ImageFormat::Gif => FileType::Gif,
                    _ if i.is_multiple_of(3) => FileType::Jpeg,
                    _ => FileType::Jpg,
                },
                content: Arc::new(images::hosted(Bytes::from(bytes), format)),
                thumb: Some(Arc::new(thumb)),
                width: w,
                height: h,
                thumb_w,
                thumb_h,
            }
        };
        // Two threads: the machine has two cores and this is most of start-up.
        let (even, odd) = std::thread::scope(|s| {
            let odd = s.spawn(|| {
                (0..24u32)
                    .filter(|i| i % 2 == 1)
                    .map(make)
                    .collect::<Vec<_>>()
            });
            let even: Vec<Asset> = (0..24u32).filter(|i| i % 2 == 0).map(make).collect();
            (even, odd.join().unwrap_or_default())
        });
        let mut assets: Vec<Asset> = even
            .into_iter()
            .zip(odd)
            .flat_map(|(a, b)| [a, b])
            .collect();
        for title in [
            "Quarterly report",
            "Price list",
            "Event programme",
            "Style guide",
        ] {
            assets.push(document(title));
        }
        assets
    })
}

#[allow(clippy::too_many_arguments)] // one call per field of the file
fn file_from(
    asset: &Asset,
    id: u64,
    name: String,
    description: String,
    folder: (Option<i64>, String),
    source: Source,
    created: Stamp,
    modified: Stamp,
) -> File {
    File {
        id,
        name,
        description,
        folder_id: folder.0,
        folder_name: folder.1,
        width: asset.width,
        height: asset.height,
        source,
        file_type: asset.file_type,
        final_status: Status::Active,
        pipeline: None,
        trashed: false,
        created,
        modified,
        content: asset.content.clone(),
        thumb: asset.thumb.clone(),
        thumb_w: asset.thumb_w,
        thumb_h: asset.thumb_h,
    }
}

fn add_seeds(lib: &mut Library) {
    let folder = |id, name: &str, parent, created: &str, modified: &str| Folder {
        id,
        name: name.to_string(),
        parent,
        created: Stamp::verbatim(created),
        modified: Stamp::verbatim(modified),
    };
    lib.insert_folder(folder(
        -1,
        "wildflowers",
        None,
        "2013-09-26T10:45:12.000-04:00",
        "2013-09-26T12:32:41.000-04:00",
    ));
    lib.insert_folder(folder(
        -4,
        "Documents",
        None,
        "2013-06-05T09:31:55.000-04:00",
        "2013-06-24T13:12:10.000-04:00",
    ));
    lib.insert_folder(folder(
        -10,
        "market_studies",
        Some(-4),
        "2013-06-05T09:31:55.000-04:00",
        "2013-06-24T13:12:10.000-04:00",
    ));
    for (seed, asset) in SEED_FILES.iter().zip(seed_assets()) {
        let &(id, name, description, folder_name, folder_id, .., created, modified) = seed;
        let folder = (folder_id, folder_name.to_string());
        lib.insert_file(file_from(
            asset,
            id,
            name.into(),
            description.into(),
            folder,
            Source::MyComputer,
            Stamp::verbatim(created),
            Stamp::verbatim(modified),
        ));
    }
    let doc = document("Market study 2013");
    lib.insert_file(file_from(
        &doc,
        SEED_DOCUMENT_ID,
        "market_study_2013.pdf".into(),
        "market_study".into(),
        (Some(-4), "Documents".into()),
        Source::MyComputer,
        Stamp::verbatim("2013-06-24T13:12:10.000-04:00"),
        Stamp::verbatim("2013-06-24T13:12:10.000-04:00"),
    ));
}

const FOLDER_WORDS: [&str; 30] = [
    "Campaigns",
    "Products",
    "Events",
    "Team",
    "Logos",
    "Newsletters",
    "Social",
    "Archive",
    "Holiday",
    "Banners",
    "Headers",
    "Print",
    "Web",
    "Photos",
    "Clients",
    "Brand",
    "Promotions",
    "Blog",
    "Catalog",
    "Spring",
    "Summer",
    "Autumn",
    "Winter",
    "2012",
    "2013",
    "Drafts",
    "Backgrounds",
    "Icons",
    "Partners",
    "Gallery",
];
const ADJECTIVES: [&str; 16] = [
    "sunny", "misty", "golden", "quiet", "bright", "autumn", "coastal", "alpine", "urban",
    "spring", "evening", "morning", "winter", "summer", "rolling", "distant",
];
const NOUNS: [&str; 16] = [
    "hills", "valley", "meadow", "sunset", "sunrise", "harbor", "ridge", "field", "lake",
    "horizon", "peaks", "dunes", "coast", "orchard", "trail", "skyline",
];

fn pick<'a>(rng: &mut Rng, words: &[&'a str]) -> &'a str {
    words[rng.below(words.len() as u64) as usize]
}

fn generate(lib: &mut Library, d: &Dataset) {
    let mut rng = Rng::new(d.seed);
    let mut generated: Vec<i64> = Vec::new();
    for i in 0..d.folders {
        let id = FIRST_GENERATED_FOLDER - i as i64;
        let nestable: Vec<i64> = generated
            .iter()
            .copied()
            .filter(|&f| lib.level(f) < 3)
            .collect();
        let parent = if i < d.folders.div_ceil(3) || nestable.is_empty() || rng.below(5) == 0 {
            None
        } else {
            Some(nestable[rng.below(nestable.len() as u64) as usize])
        };
        let base = pick(&mut rng, &FOLDER_WORDS);
        let mut name = base.to_string();
        let mut n = 2;
        while lib
            .folders
            .values()
            .any(|f| f.parent == parent && f.name.eq_ignore_ascii_case(&name))
        {
            name = format!("{base} {n}");
            n += 1;
        }
        let created = GEN_FROM_MS + rng.below((GEN_TO_MS - GEN_FROM_MS) as u64 / 2) as i64;
        let modified = created + rng.below(86_400_000 * 30) as i64;
        lib.insert_folder(Folder {
            id,
            name,
            parent,
            created: Stamp::from_ms(created),
            modified: Stamp::from_ms(modified),
        });
        generated.push(id);
    }
    let pool = pool();
    let (images, docs) = pool.split_at(pool.len() - 4);
    for i in 0..d.files {
        let id = FIRST_GENERATED_FILE + i as u64;
        let asset = if rng.below(100) < 8 {
            &docs[rng.below(docs.len() as u64) as usize]
        } else {
            &images[rng.below(images.len() as u64) as usize]
        };
        let folder = if generated.is_empty() || rng.below(100) < 15 {
            (None, ROOT_FOLDER_NAME.to_string())
        } else {
            let fid = generated[rng.below(generated.len() as u64) as usize];
            (
                Some(fid),
                lib.folders
                    .get(&fid)
                    .map(|f| f.name.clone())
                    .unwrap_or_default(),
            )
        };
        let (adj, noun) = (pick(&mut rng, &ADJECTIVES), pick(&mut rng, &NOUNS));
        let ext = asset.file_type.extension();
        let name = if asset.file_type.is_image() && rng.below(2) == 0 {
            format!(
                "IMG_{}.{}",
                1000 + rng.below(9000),
                ext.to_ascii_uppercase()
            )
        } else {
            format!("{adj}_{noun}_{}.{ext}", i + 1)
        };
        let source = match rng.below(100) {
            0..60 => Source::MyComputer,
            60..72 => Source::StockImage,
            72..82 => Source::Shutterstock,
            82..92 => Source::Mobile,
            92..96 => Source::Facebook,
            _ => Source::Instagram,
        };
        let created = GEN_FROM_MS + rng.below((GEN_TO_MS - GEN_FROM_MS) as u64) as i64;
        let modified = (created + rng.below(86_400_000 * 20) as i64).min(GEN_TO_MS);
        lib.insert_file(file_from(
            asset,
            id,
            name,
            format!("{adj} {noun}"),
            folder,
            source,
            Stamp::from_ms(created),
            Stamp::from_ms(modified),
        ));
    }
}

/// Builds a library: the seeds (unless `d.examples` is off), then `d.folders` folders and
/// `d.files` files.
pub fn build(d: &Dataset, limits: Limits) -> Library {
    let mut lib = Library::empty(limits);
    if d.examples {
        add_seeds(&mut lib);
    }
    generate(&mut lib, d);
    lib.fit_space_limit();
    lib
}
