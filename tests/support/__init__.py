"""Test support code (local servers, builders); never imported by undercut itself."""
