/// Copy-on-write storage for a value type whose layout must stay one reference wide
/// (`TransportRequest`, `MiddlewareContext`, `SendingDomainsError`: every async frame that holds
/// one of them while a call is in flight holds a pointer, not a hundred bytes — see
/// Docs/Performance.md, memory per call).
///
/// The one place the SDK writes copy-on-write by hand. A holder declares its fields in one
/// `Storage` struct and forwards each public property to it:
///
/// ```
/// struct Request {
///     private struct Fields { var path: [String] }
///     private var fields: CopyOnWrite<Fields>
///     var path: [String] {
///         get { fields.value.path }
///         _modify { yield &fields.value.path }
///     }
/// }
/// ```
///
/// Reads go straight to the shared storage; a write copies it first when another value shares
/// it, then changes it in place (`_modify`), so `request.headers["X"] = "1"` copies nothing
/// when the request is not shared. (No key paths: a key-path projection per field access would
/// cost CPU on every request the pipeline builds.)
package struct CopyOnWrite<Storage> {
    private final class Box {
        var value: Storage

        init(_ value: Storage) {
            self.value = value
        }
    }

    private var box: Box

    /// Storage holding `value`.
    package init(_ value: Storage) {
        box = Box(value)
    }

    /// The whole stored value; writing through it copies the storage first when it is shared.
    package var value: Storage {
        get { box.value }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.value) }
            yield &box.value
        }
    }

    /// Whether both share one storage (then they are equal without comparing fields).
    package func sharesStorage(with other: CopyOnWrite) -> Bool { box === other.box }
}

// The box is written only while uniquely referenced (a shared box is copied first), so two
// values that share it only ever read it: sending them across tasks is as safe as sending the
// stored value itself.
extension CopyOnWrite: @unchecked Sendable where Storage: Sendable {}

extension CopyOnWrite: Equatable where Storage: Equatable {
    package static func == (lhs: CopyOnWrite, rhs: CopyOnWrite) -> Bool {
        lhs.sharesStorage(with: rhs) || lhs.value == rhs.value
    }
}

extension CopyOnWrite: Hashable where Storage: Hashable {
    package func hash(into hasher: inout Hasher) {
        value.hash(into: &hasher)
    }
}
