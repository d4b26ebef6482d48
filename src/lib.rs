//! Client for the Constant Contact v2 MyLibrary API (work in progress: see the open issues).
