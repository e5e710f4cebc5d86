//! Why a model could not be hollowed, in words that say what to change.

/// Why a model could not be hollowed. The model is never changed: the
/// hollow is made whole or not at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HollowError {
    #[error("the model has no faces, so there is nothing to hollow; open a model first")]
    Empty,
    #[error(
        "the wall must be from {min} to {max} mm thick (it is {got}); enter a wall such as 2 mm",
        min = super::MIN_WALL_MM, max = super::MAX_WALL_MM
    )]
    Wall { got: f32 },
    #[error(
        "the drain holes must be from {min} to {max} mm across (they are {got}); enter a diameter such as 3 mm",
        min = super::MIN_DRAIN_MM, max = super::MAX_DRAIN_MM
    )]
    DrainDiameter { got: f32 },
    #[error(
        "the voxel size must be at least {min} mm (it is {got}); enter a size such as 0.3 mm",
        min = super::MIN_VOXEL_MM
    )]
    VoxelSize { got: f32 },
    #[error(
        "the bottom's plane (point ({}, {}, {}), normal ({}, {}, {})) is not a plane; give the plane of the flat \
         bottom, such as the bottom of a flat base",
        origin[0], origin[1], origin[2], normal[0], normal[1], normal[2]
    )]
    InvalidBottom { origin: [f32; 3], normal: [f32; 3] },
    #[error(
        "the model has no flat bottom face in the plane through ({:.2}, {:.2}, {:.2}) facing ({:.2}, {:.2}, {:.2}) \
         for the drain holes to go through; put the model on a flat base first",
        origin[0], origin[1], origin[2], normal[0], normal[1], normal[2]
    )]
    BottomNotFound { origin: [f32; 3], normal: [f32; 3] },
    #[error(
        "the model reaches {below:.2} mm below its bottom's plane (near ({:.2}, {:.2}, {:.2})), so the plane is \
         not its flat bottom; give the plane of the lowest flat face, such as the bottom of a flat base",
        at[0], at[1], at[2]
    )]
    BelowBottom { below: f64, at: [f32; 3] },
    #[error(
        "the model is not closed (it has {holes} open edges and {non_manifold} edges shared by more than two \
         faces), so it has no inside to hollow; repair it first and hollow the repaired model"
    )]
    NotClosed { holes: usize, non_manifold: usize },
    #[error(
        "the model's faces do not all face outward, so its inside is not known; repair it first (fix its \
         orientation) and hollow the repaired model"
    )]
    NotOutward,
    #[error(
        "the model is {:.0} × {:.0} × {:.0} mm, too large to hollow with a {wall} mm wall in the memory one model \
         may use; {}",
        size_mm[0], size_mm[1], size_mm[2], grid_advice(*least_wall)
    )]
    GridTooLarge { size_mm: [f32; 3], wall: f32, least_wall: f64 },
    #[error(
        "the model is nowhere thicker than twice the {wall} mm wall (it is at most about {thickest_mm:.1} mm thick), \
         so there is nothing to hollow; make the wall thinner (less than {:.1} mm), or turn hollowing off",
        thickest_mm / 2.0
    )]
    TooThin { wall: f32, thickest_mm: f64 },
    #[error(
        "none of the {hollows} hollows has room for a {diameter} mm drain hole through the bottom (with \
         {clearance_mm:.1} mm of wall round it), and a hollow without a drain traps resin; make the drain holes \
         smaller or the wall thinner"
    )]
    NoRoomForDrain { hollows: usize, diameter: f32, clearance_mm: f64 },
    #[error(
        "the model's pieces overlap (such as crowns standing on a plate), and none of its {hollows} hollows can \
         drain without a hole through faces inside the model, which would stay closed; hollow a model of one piece \
         (a base that follows the model rather than a plate), or turn hollowing off"
    )]
    OverlappingPieces { hollows: usize },
    #[error(
        "the drain hole at ({:.2}, {:.2}, {:.2}) does not reach a hollow straight up from the bottom, or would come \
         within {clearance_mm:.1} mm of the model's side; move it under a hollow, or let the drain holes be placed \
         automatically",
        at[0], at[1], at[2]
    )]
    DrainMisplaced { at: [f32; 3], clearance_mm: f64 },
    #[error(
        "the drain hole at ({:.2}, {:.2}, {:.2}) would cut through the label; move the drain hole or the label",
        at[0], at[1], at[2]
    )]
    DrainInKeepClear { at: [f32; 3] },
    #[error(
        "the hollow could not be joined to the bottom near ({:.2}, {:.2}, {:.2}) (the bottom touches or crosses \
         itself there); repair the model, or make the drain holes smaller",
        at[0], at[1], at[2]
    )]
    Unbuildable { at: [f32; 3] },
}

/// What to do about a model too large for the grid: a thicker wall when one would do.
fn grid_advice(least_wall: f64) -> String {
    if least_wall <= f64::from(super::MAX_WALL_MM) {
        format!("hollow it with a wall of at least {least_wall:.1} mm, or split the model")
    } else {
        "split the model into parts and hollow each".to_owned()
    }
}
