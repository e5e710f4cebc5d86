//! The recipe: which steps run and their settings, in millimetres.

use crate::label::Relief;

/// Which preparation steps run, and how. A step that is `None` is skipped.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(default, deny_unknown_fields))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recipe {
    /// Repair the model first (close cracks and holes, orient faces outward).
    pub repair: bool,
    pub trim: Option<TrimRecipe>,
    pub base: Option<BaseRecipe>,
    pub hollow: Option<HollowRecipe>,
    pub label: Option<LabelRecipe>,
}

/// Trim along a line following the gingival margin.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(default, deny_unknown_fields))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrimRecipe {
    /// How far the proposed line runs from the gingival margin, in mm: on
    /// an arch with gums, below it (the gum kept under the teeth); on
    /// crowns without gums, above their lowest points. A line placed by
    /// hand for one model ([`Part::trim_line`](super::Part)) replaces the proposal.
    #[cfg_attr(feature = "openapi", schema(minimum = 0.1, maximum = 10.0))]
    pub offset_mm: f32,
}

/// A flat base (plinth) under the model.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(default, deny_unknown_fields))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BaseRecipe {
    /// How far above the model's lowest point the model is cut, in mm.
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 30.0))]
    pub cut_height_mm: f32,
    /// The base's height below the cut, in mm.
    #[cfg_attr(feature = "openapi", schema(minimum = 0.1, maximum = 30.0))]
    pub base_height_mm: f32,
    /// The chamfer round the base's bottom edge, in mm (0 for none).
    #[cfg_attr(feature = "openapi", schema(minimum = 0.0, maximum = 10.0))]
    pub chamfer_mm: f32,
    /// One plate under the whole model, 2 mm wider than it all round (the
    /// crowns of an arch exported as separate pieces all stand on it), or
    /// else a base that follows the cut's outline.
    pub plate: bool,
}

/// Hollowing, to save resin.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(default, deny_unknown_fields))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HollowRecipe {
    /// The wall left round the hollow, in mm.
    #[cfg_attr(feature = "openapi", schema(minimum = 0.5, maximum = 10.0))]
    pub wall_mm: f32,
    /// The diameter of the drain holes through the base, in mm.
    #[cfg_attr(feature = "openapi", schema(minimum = 1.0, maximum = 10.0))]
    pub drain_diameter_mm: f32,
}

/// A label on the bottom of the base: the case code, arch and stage, and a
/// Data Matrix of the aligner's id.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize), serde(default, deny_unknown_fields))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LabelRecipe {
    /// `engrave` (cut in, the default: the model still stands flat) or `emboss`.
    #[cfg_attr(feature = "openapi", schema(example = "engrave"))]
    pub relief: Relief,
    /// The height of a capital letter, in mm.
    #[cfg_attr(feature = "openapi", schema(minimum = 0.5, maximum = 30.0))]
    pub letter_height_mm: f32,
    /// How far letters and modules are cut in or stand out, in mm.
    #[cfg_attr(feature = "openapi", schema(minimum = 0.1, maximum = 5.0))]
    pub depth_mm: f32,
    /// Add the Data Matrix beside the text.
    pub code: bool,
    /// The side of one code module, in mm (at least 0.6).
    #[cfg_attr(feature = "openapi", schema(minimum = 0.6, maximum = 5.0))]
    pub module_mm: f32,
    /// Where the label's centre goes from the centre of the base's bottom,
    /// in mm: across and along the bottom, each from -200 to 200.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<LabelOffsetMm>, min_items = 2, max_items = 2))]
    pub offset_mm: [f32; 2],
    /// The reading direction, in degrees.
    #[cfg_attr(feature = "openapi", schema(minimum = -360.0, maximum = 360.0))]
    pub rotation_deg: f32,
}

impl Default for Recipe {
    /// Repair, a 1 mm cut with a 3 mm base, no trim, no hollowing, and an
    /// engraved label with its code.
    fn default() -> Self {
        Recipe {
            repair: true,
            trim: None,
            base: Some(BaseRecipe::default()),
            hollow: None,
            label: Some(LabelRecipe::default()),
        }
    }
}

impl Default for TrimRecipe {
    /// 1 mm above the lowest tooth points.
    fn default() -> Self {
        TrimRecipe { offset_mm: 1.0 }
    }
}

impl Default for BaseRecipe {
    /// A 1 mm cut, a 3 mm plate, no chamfer.
    fn default() -> Self {
        BaseRecipe { cut_height_mm: 1.0, base_height_mm: 3.0, chamfer_mm: 0.0, plate: true }
    }
}

impl Default for HollowRecipe {
    /// 2 mm walls and 3 mm drain holes.
    fn default() -> Self {
        HollowRecipe { wall_mm: 2.0, drain_diameter_mm: 3.0 }
    }
}

impl Default for LabelRecipe {
    /// Engraved 0.5 mm deep, 3 mm letters, with a code of 0.6 mm modules, centred.
    fn default() -> Self {
        LabelRecipe {
            relief: Relief::Engrave,
            letter_height_mm: 3.0,
            depth_mm: 0.5,
            code: true,
            module_mm: 0.6,
            offset_mm: [0.0; 2],
            rotation_deg: 0.0,
        }
    }
}

/// One coordinate of [`LabelRecipe::offset_mm`] in the OpenAPI document: a
/// single-precision number from -200 to 200 (mm).
#[cfg(feature = "openapi")]
#[derive(Debug)]
pub struct LabelOffsetMm;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for LabelOffsetMm {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Float)))
            .minimum(Some(-200.0))
            .maximum(Some(200.0))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for LabelOffsetMm {}
