import Foundation
@_spi(ProviderAuthoring) import HTTPTransport

extension DomainWatcher {
    /// One active watcher per named watch, across instances of your app: the instances that
    /// watch with the same ``name`` compete for one lease in a `LeaseCoordinator` (Redis:
    /// `SendingDomainsRedis.RedisLeaseCoordinator`); only the holder polls.
    ///
    /// - The holder renews the lease every third of its lifetime and **stops polling as soon as
    ///   it cannot be sure it still holds it**: before every check it compares the real clock
    ///   with the moment the lease was last confirmed (measured from *before* the renewal was
    ///   sent) plus its lifetime — so a process paused past its lease, or cut off from the
    ///   coordinator, never polls on an expired lease (no split brain).
    /// - Its snapshot is saved to the coordinator after every check that reported something (and
    ///   after a domain's first check), only while it holds the lease; a standby that wins the
    ///   lease resumes from that snapshot.
    /// - Delivery is **at least once, deduplicated by ``DomainEvent/id``**: an event's id comes
    ///   from the domain and its event sequence number kept in the snapshot, so a change
    ///   re-reported after a failover has the id it had.
    /// - Cancelling the iteration releases the lease, so a standby takes over at its next try
    ///   instead of after the lease expires.
    ///
    /// One watcher at the full rate is the most a provider allows, so the domains are not
    /// sharded across instances.
    ///
    /// ```swift
    /// func watchers(_ coordinator: any LeaseCoordinator, _ provider: any DomainProvisioning) -> DomainWatcher {
    ///     var options = DomainWatcher.Options()
    ///     options.coordination = .init(coordinator: coordinator, name: "customers", lease: .seconds(15)) { role in
    ///         print("this instance is", role)
    ///     }
    ///     return DomainWatcher(providers: [provider], snapshot: WatchSnapshot(entries: []), options: options)
    /// }
    /// ```
    public struct Coordination: Sendable {
        /// Where the lease and the snapshot live.
        public var coordinator: any LeaseCoordinator
        /// The watch's name: instances with the same name share one lease (keep it free of secrets).
        public var name: String
        /// The lease's lifetime (at least 1 s; 15 s by default): a standby takes over at most
        /// about this long after the active instance stopped renewing.
        public var lease: Duration
        /// This instance's token: a random UUID by default.
        public var instance: String
        /// Called whenever this instance becomes active or standby, with why.
        public var onRoleChange: (@Sendable (RoleChange) -> Void)?

        /// A coordination.
        public init(
            coordinator: any LeaseCoordinator, name: String, lease: Duration = .seconds(15),
            instance: String = UUID().uuidString, onRoleChange: (@Sendable (RoleChange) -> Void)? = nil
        ) {
            self.coordinator = coordinator
            self.name = name
            self.lease = max(lease, .seconds(1))
            self.instance = instance
            self.onRoleChange = onRoleChange
        }
    }

    /// Whether this instance polls (`active`) or waits for the lease (`standby`). An extensible
    /// set of values, like `SendingDomainsError.Kind`.
    public struct Role: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// `active` or `standby`.
        public let rawValue: String
        /// A role.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// This instance holds the lease and polls.
        public static let active = Role(rawValue: "active")
        /// Another instance holds the lease, or this one cannot be sure it does: no polling.
        public static let standby = Role(rawValue: "standby")
        /// The raw value.
        public var description: String { rawValue }
    }

    /// A change of role, and why (`"lease acquired"`, `"lease lost"`, `"coordinator unreachable:
    /// the lease may have expired"`, …).
    public struct RoleChange: Sendable, Hashable {
        /// The role now.
        public var role: Role
        /// Why, in words.
        public var reason: String
    }
}

/// The moment until which the active instance may poll: the last confirmed renewal plus the
/// lease's lifetime, on the real clock.
final class LeaseWindow: Sendable {
    private let until = LockedState<ContinuousClock.Instant?>(nil)

    func confirm(from start: ContinuousClock.Instant, lease: Duration) {
        until.withLock { $0 = start + lease }
    }

    func close() {
        until.withLock { $0 = nil }
    }

    /// Whether the lease is surely still held, with `margin` to spare.
    func isOpen(margin: Duration) -> Bool {
        until.withLock { until in until.map { ContinuousClock.now + margin < $0 } ?? false }
    }

    var deadline: ContinuousClock.Instant? { until.withLock { $0 } }
}

extension DomainWatcher {
    /// The coordinated loop: standby until the lease is won, then active until it is lost (or
    /// cannot be confirmed), and so on until cancelled.
    func coordinated(_ coordination: Coordination, _ channel: EventChannel<DomainEvent>) async {
        let window = LeaseWindow()
        self.window = window
        let coordinator = coordination.coordinator
        let name = "watch:" + coordination.name
        let token = coordination.instance
        let pace = coordination.lease / 3
        coordination.onRoleChange?(RoleChange(role: .standby, reason: "waiting for the lease"))
        while !Task.isCancelled && !channel.isFinished {
            let start = ContinuousClock.now
            let acquired: Bool
            do {
                acquired = try await coordinator.acquire(name, token: token, lifetime: coordination.lease)
            } catch {
                acquired = false
            }
            if acquired {
                window.confirm(from: start, lease: coordination.lease)
                if let data = try? await coordinator.loadSnapshot(for: name),
                    let snapshot = try? JSONDecoder().decode(WatchSnapshot.self, from: data)
                {
                    adopt(snapshot)
                }
                coordination.onRoleChange?(RoleChange(role: .active, reason: "lease acquired"))
                let reason = await active(coordination, name: name, window: window, channel)
                window.close()
                if Task.isCancelled || channel.isFinished { break }
                coordination.onRoleChange?(RoleChange(role: .standby, reason: reason))
            }
            try? await Task.sleep(for: pace)
        }
        window.close()
        // Hand over at once: the next instance need not wait for the lease to expire.
        await Task.detached { try? await coordinator.release(name, token: token) }.value
    }

    /// Polls while the lease is surely held; returns why it stopped.
    private func active(
        _ coordination: Coordination, name: String, window: LeaseWindow, _ channel: EventChannel<DomainEvent>
    ) async -> String {
        let coordinator = coordination.coordinator
        let token = coordination.instance
        let lease = coordination.lease
        return await withTaskGroup(of: String?.self) { group in
            group.addTask {
                // Renewal, every third of the lease; the window closes when a renewal says the
                // lease is someone else's, or when it could not be confirmed in time.
                while !Task.isCancelled {
                    try? await Task.sleep(for: lease / 3)
                    if Task.isCancelled { return nil }
                    let start = ContinuousClock.now
                    // A renewal that has not answered by the window's end is no renewal.
                    let remaining = (window.deadline ?? start) - start
                    let renewed = await Deadline.run(within: max(remaining, .milliseconds(1))) {
                        () async -> Bool? in
                        try? await coordinator.renew(name, token: token, lifetime: lease)
                    }
                    switch renewed {
                    case true??:
                        window.confirm(from: start, lease: lease)
                    case false??:
                        window.close()
                        return "lease lost: another instance holds it"
                    default:
                        if !window.isOpen(margin: lease / 10) {
                            window.close()
                            return
                                "coordinator unreachable (\(coordinator.displayName)): the lease may have expired, polling stopped"
                        }
                    }
                }
                return nil
            }
            group.addTask {
                let providers = await self.watchedProviders()
                // Nothing to poll: hold the lease (and renew it) until cancelled.
                if providers.isEmpty { while !Task.isCancelled { try? await Task.sleep(for: lease) } }
                await withTaskGroup(of: Void.self) { polling in
                    for provider in providers {
                        polling.addTask { await self.poll(provider, channel) }
                    }
                }
                // The loops stop only when cancelled or when the lease was not surely held: then
                // stand by and compete again, rather than renew a lease nobody polls under.
                return Task.isCancelled || channel.isFinished ? nil : "lease not confirmed in time: polling stopped"
            }
            var reason = "stopped"
            for await result in group {
                if let result {
                    reason = result
                    window.close()
                    group.cancelAll()
                    break
                }
                if Task.isCancelled || channel.isFinished {
                    group.cancelAll()
                    break
                }
            }
            group.cancelAll()
            return reason
        }
    }

    /// Takes over a snapshot saved by the previous active instance: its entries replace this
    /// watcher's for the same domains.
    private func adopt(_ snapshot: WatchSnapshot) {
        for entry in snapshot.entries {
            if entries[entry.key] == nil { order.append(entry.key) }
            entries[entry.key] = entry
            due[entry.key] = nil
        }
    }

    /// Saves the snapshot to the coordinator, while the lease is held.
    func saveShared() async {
        guard let coordination = options.coordination, window?.isOpen(margin: .zero) == true,
            let data = try? JSONEncoder().encode(snapshot)
        else { return }
        _ = try? await coordination.coordinator.saveSnapshot(
            data, for: "watch:" + coordination.name, token: coordination.instance)
    }
}
