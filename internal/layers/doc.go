// Package layers holds no code: its test checks the import layering of the
// whole module (docs/architecture.md). Imports point down only, the library
// under pkg/ never imports internal/ or the command-line framework, and the
// fake router imports no client package, so that a mistake shared by the
// client and the fake cannot make a test pass.
//
// Every package of the module must have a layer in the test's table: a new
// package fails the test until it is placed.
package layers
