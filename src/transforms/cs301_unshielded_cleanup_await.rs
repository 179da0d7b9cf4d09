//! CS301 (in progress)
