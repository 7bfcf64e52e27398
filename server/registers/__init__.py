"""The mission layer: registers (units, camps, sites, crossings, lines and areas; obligations),
the signed feed devices pull, the implementation tracker and the geometry flags (docs/registers.md)."""
