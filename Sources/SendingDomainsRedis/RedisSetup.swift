/// The least a Redis user needs for the SDK, as `Docs/Scaling.md` documents it (and a test
/// checks against a real server): the commands the store, the coordinator and their scripts
/// call, on keys under the prefix only.
package enum RedisSetup {
    /// The commands, for `ACL SETUSER … -@all +…`.
    package static let commands = [
        "evalsha", "script|load", "time", "hget", "hset", "pexpire", "pttl", "get", "set", "del", "select", "ping",
    ]

    /// The rule as `redis-server --user` arguments (`ACL SETUSER` takes the same words).
    package static func aclRule(
        user: String = "sendingdomains", password: String, keyPrefix: String = "sendingdomains:"
    ) -> [String] {
        [user, "on", ">\(password)", "~\(keyPrefix)*", "resetchannels", "-@all"] + commands.map { "+\($0)" }
    }
}
