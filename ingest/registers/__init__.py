"""The register layer: real bodies from the national registers (ODS, ONS,
NHS Digital), added to the compiled knowledge base before derivation.

`add_registers(data)` is called by ingest/pipeline.py between
`compile_graph(kb)` and `derive_edges(data)`; docs/registers.md says what is
loaded from which file, what is derived and what is missing.
"""

from nhskg.ingest.registers.load import RegisterSummary, add_registers, build_register_graph

__all__ = ["RegisterSummary", "add_registers", "build_register_graph"]
