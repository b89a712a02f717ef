//! Stage 3, reports (being written).
