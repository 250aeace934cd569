// name: source_get
// description: One source document by id, with its metadata. No row when the id is unknown.
// param: id string Source id, e.g. source:kingsfund-2023
// example: {"id": "source:kingsfund-2023"}
MATCH (s:Source {id: $id})
RETURN s {.*} AS source
