// The JSON value type, its parser and RFC3339Timestamp are part of this
// product's API (free-form payload parts), so importing ChatlioWebhooks is enough.
@_exported public import ChatlioJSON
