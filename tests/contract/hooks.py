"""Schemathesis hooks for the contract test (scripts/contract-test).

A generated query value that never reaches the wire as itself is dropped
before it is sent: an object (`min_confidence={}` is serialised as its
keys, or as nothing), null, an empty list, a list of one value where one
value is due, or one value where a list is due. Such a request is on the
wire a valid one, or one with the parameter absent, so a server that
answers it 200 is right, yet Schemathesis 4.32 counts that as "a
schema-violating request accepted" (ST201). Every other invalid value,
a list of two where one value is due included, still goes out and must
be refused.
"""

import schemathesis

SCALARS = (str, int, float, bool)


def _reaches_the_wire(value):
    return not (value is None or isinstance(value, dict) or value == [])


def _types(context):
    """The declared type of each query parameter of the operation."""
    types = {}
    for p in getattr(getattr(context, "operation", None), "query", None) or []:
        d = getattr(p, "definition", None) or {}
        types[d.get("name")] = (d.get("schema") or {}).get("type")
    return types


def _as_itself(kind, value):
    """False for a value the wire cannot tell from a valid one: a list of
    one value where one value is due (`min_confidence=[0.5]` is sent as
    `min_confidence=0.5`), or one value where a list is due (`actor="r"`
    is sent as `actor=r`, a list of one)."""
    if kind == "array":
        return not isinstance(value, SCALARS)
    if kind in ("number", "integer", "string", "boolean"):
        return not (isinstance(value, list) and len(value) == 1 and isinstance(value[0], SCALARS))
    return True


@schemathesis.hook
def filter_query(context, query):
    if query is None:
        return True
    types = _types(context)
    return all(
        _reaches_the_wire(v) and _as_itself(types.get(k), v) for k, v in query.items()
    )
