//! The one-hidden-layer study network (PAPER.md 3.2).
