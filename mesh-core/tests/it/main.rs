//! Integration tests of mesh-core, run against the shared STL corpus.

mod corpus;
mod read;
