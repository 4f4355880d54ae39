//go:build tools

// Package tools keeps the command the testbed builds in go.mod.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
