"""Skill ratings computed race by race from finishing order."""
