//! Framework controls covered by this family's checks (see `crate::frameworks`).

use crate::frameworks::Control;

pub static CONTROLS: &[Control] = &[];
