//! # wiretls-conformance
//!
//! One body of scenarios, written once, generic over the client engine and
//! the server engine. [`conformance_suite!`] instantiates every scenario as
//! an rstest test over the engine pairs of a test file's template, one
//! `#[case]` line per pair, so adding an engine pair is one line and every
//! scenario x pair is a named test.
//!
//! A scenario listed in `divergences.txt` for the pair must still fail, and
//! fail as the line says (its panic message contains the line's expected
//! failure), so a fixed divergence is noticed and an unrelated breakage is
//! not hidden; every other scenario must pass.
#![warn(missing_docs)]

pub mod ca_leaf;
pub mod capability_table;
pub mod counting;
pub mod craft;
pub mod differential;
pub mod divergences;
pub mod external;
pub mod fixtures;
pub mod in_place;
pub mod limbo;
pub mod matrix;
pub mod pair;
pub mod peers;
pub mod remote;
pub mod resources;
pub mod scenarios;
pub mod skip;
pub mod static_dispatch;
pub mod table;
pub mod unsupported;

use std::panic::{catch_unwind, AssertUnwindSafe};

use wiretls_core::Engine;

/// Run one scenario for a pair, honouring `divergences.txt`.
///
/// # Panics
/// When the scenario fails and no divergence is listed, when a listed
/// divergence no longer fails, or when it fails in another way than the
/// line's expected failure (its panic message lacks the expected text).
pub fn run_scenario(
    group: &str,
    name: &str,
    client: &dyn Engine,
    server: &dyn Engine,
    scenario: fn(&dyn Engine, &dyn Engine),
) {
    let id = format!("{group}::{name}");
    skip::take();
    match divergences::find(client.name(), server.name(), &id) {
        None => {
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| scenario(client, server))) {
                match unsupported::from_payload(&*payload) {
                    Some(declared) => {
                        use std::io::Write as _;
                        let _ = writeln!(
                            std::io::stderr(),
                            "{id}: UNSUPPORTED (declared) for {} -> {}: {declared}",
                            client.name(),
                            server.name()
                        );
                        return;
                    }
                    None => std::panic::resume_unwind(payload),
                }
            }
            if let Some(reason) = skip::take() {
                // Written to stderr itself, not through eprintln!, which the
                // test harness captures for passing tests: a skip is shown.
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stderr(),
                    "{id}: SKIPPED for {} -> {}: {reason}",
                    client.name(),
                    server.name()
                );
            }
        }
        Some(d) => {
            let outcome = catch_unwind(AssertUnwindSafe(|| scenario(client, server)));
            let payload = match outcome {
                Err(payload) if unsupported::from_payload(&*payload).is_some() => panic!(
                    "{id} ends at a declared refusal for {} -> {} ({}), but divergences.txt lists it ({}): remove the line",
                    client.name(),
                    server.name(),
                    unsupported::from_payload(&*payload).map(ToString::to_string).unwrap_or_default(),
                    d.reason
                ),
                Ok(()) => panic!(
                    "{id} passes for {} -> {}, but divergences.txt lists it ({}): remove the line",
                    client.name(),
                    server.name(),
                    d.reason
                ),
                Err(payload) => payload,
            };
            let message = wiretls_core::engine::panic_message(&*payload);
            assert!(
                d.matches(&message),
                "{id} fails for {} -> {}, but not as divergences.txt says (expected a failure containing \
                 {:?}, because {}): {message}",
                client.name(),
                server.name(),
                d.expect,
                d.reason
            );
            eprintln!("{id}: known divergence for {} -> {}: {}", client.name(), server.name(), d.reason);
        }
    }
}

/// Every scenario, by group: the one list both the macro and the docs use.
#[macro_export]
macro_rules! for_each_scenario {
    ($callback:path; $($args:tt)*) => {
        $callback! { ($($args)*)
            handshake: [every_suite_and_key_type, every_common_group, server_group_forces_hello_retry,
                        first_flight_before_start_returns,
                        unsupported_suites_are_refused, tls13_suite_selection, no_common_suite, version_mismatch,
                        alpn, dh_params],
            data: [sizes_both_ways, before_handshake_is_buffered, many_small_writes, info_is_symmetric],
            trust: [unknown_issuer, wrong_host_name, expired, wrong_purpose, default_trust_root_is_real,
                    ip_address_name],
            verify: [called_once_leaf_to_root, veto_sends_alert_and_invalidates, veto_default_alert,
                     not_called_when_builtin_fails, server_verifies_client, veto_alert_the_engine_lacks],
            sni: [exact_name, wildcard_name, default_chain, no_chain_sends_alert, no_sni_gets_default],
            client_auth: [chosen_by_ca_names, none_available, wrong_chain_is_refused, optional_without_certificate,
                          default_chain_without_names],
            stores: [server_answers_later_same_thread, server_answers_from_other_thread, server_answers_twice,
                     peer_bytes_kept_while_waiting, client_answers_synchronously, client_answers_later,
                     client_answers_twice],
            alerts: [level_rules, send_alert_outcome, close_notify_by_send_alert, received_alert_is_typed,
                     alert_instead_of_client_hello, received_warning_alert_level],
            close: [close_notify_both_ways, send_after_finished, truncation, eof_after_close_is_clean,
                    data_after_close_notify],
            hostile: [truncated_record, oversized_record, oversized_record_alert, zero_length_records, wrongly_typed_record,
                      garbage_handshake, flipped_ciphertext_bit, data_before_fault_delivered_once,
                      one_byte_fragments, old_versions_refused, ssl3_refused, weak_suites_refused,
                      invalidated_after_fault, unknown_record_type_established,
                      hostile_input_to_established_client, malformed_alert_records,
                      oversized_record_before_client_hello, warning_alert_flood, empty_record_flood,
                      endless_handshake_message],
            resumption: [resumes_second_connection, alert_forgets_session, server_forgets_after_alert],
            policy: [policy_cases, ip_name_constraints_permit, expired_root_beside_cross_signed],
            callbacks: [verify_panics_on_client, verify_panics_on_server, server_store_panics, client_store_panics,
                        write_to_wire_panics, wire_close_panics, nested_handshake_in_verify_keeps_outer_veto,
                        nested_veto_in_verify_outer_accepts, nested_handshake_in_store_keeps_outer_verify],
            semantics: [verify_sees_path_of_misordered_server_chain, verify_sees_path_of_misordered_client_chain,
                        finished_before_handshake, finished_while_store_waits, finished_mid_handshake,
                        finished_then_handshake_fails, flood_while_server_store_waits,
                        flood_while_client_store_waits, answer_before_waker_is_not_lost,
                        client_answer_before_waker_is_not_lost, proceed_reports_deferred_error,
                        send_alert_after_invalidation, wire_close_follows_the_alert, version_known_mid_handshake,
                        tls13_level_rules_mid_handshake, no_chain_without_sni_is_handshake_failure,
                        store_answer_errors_in_handshake, client_store_refused_then_silent, info_computed_once,
                        store_dropped_without_answer],
        }
    };
}

/// A scenario: `(group, name, function)`.
pub type Scenario = (&'static str, &'static str, fn(&dyn Engine, &dyn Engine));

#[doc(hidden)]
#[macro_export]
macro_rules! __scenario_list {
    (() $($group:ident: [$($name:ident),* $(,)?]),* $(,)?) => {
        /// Every scenario, in the order of [`for_each_scenario!`].
        pub const SCENARIOS: &[$crate::Scenario] = &[
            $( $( (stringify!($group), stringify!($name), $crate::scenarios::$group::$name as fn(&dyn Engine, &dyn Engine)), )* )*
        ];
    };
}

for_each_scenario!(__scenario_list;);

/// Instantiate every scenario as an rstest test over the engine pairs of an
/// rstest_reuse template: each pair is one `#[case]` line of the template,
/// and each scenario x pair a named test
/// (`handshake::alpn::case_2_rustls_x_native_tls`). The test file declares
/// the pairs once:
///
/// ```ignore
/// use rstest::rstest;
/// use rstest_reuse::{self, template};
/// use wiretls_core::Engine;
///
/// #[template]
/// #[rstest]
/// #[case::rustls_x_rustls(Box::new(RustlsEngine::default()), Box::new(RustlsEngine::default()))]
/// #[case::rustls_x_native_tls(Box::new(RustlsEngine::default()), Box::new(NativeTlsEngine::new()))]
/// fn pairs(#[case] client: Box<dyn Engine>, #[case] server: Box<dyn Engine>) {}
///
/// wiretls_conformance::conformance_suite!(pairs);
/// ```
///
/// The file needs `rstest` and `rstest_reuse` as dev-dependencies.
#[macro_export]
macro_rules! conformance_suite {
    ($pairs:ident) => {
        $crate::for_each_scenario!($crate::__conformance_suite; $pairs);

        /// The suite table covers every suite, version and key type each engine offers.
        mod suite_table {
            #[allow(unused_imports)]
            use super::*;

            #[rstest_reuse::apply($pairs)]
            fn covers_both_engines(
                #[case] client: Box<dyn wiretls_core::Engine>,
                #[case] server: Box<dyn wiretls_core::Engine>,
            ) {
                for engine in [&*client, &*server] {
                    let missing = $crate::table::missing(engine.capabilities());
                    assert!(missing.is_empty(), "the suite table misses {missing:?} of {}", engine.name());
                }
            }
        }
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_suite {
    (($pairs:ident) $($group:ident: [$($name:ident),* $(,)?]),* $(,)?) => {
        $(
            mod $group {
                #[allow(unused_imports)]
                use super::*;
                $(
                    #[rstest_reuse::apply($pairs)]
                    fn $name(
                        #[case] client: Box<dyn wiretls_core::Engine>,
                        #[case] server: Box<dyn wiretls_core::Engine>,
                    ) {
                        $crate::run_scenario(
                            stringify!($group),
                            stringify!($name),
                            &*client,
                            &*server,
                            $crate::scenarios::$group::$name,
                        );
                    }
                )*
            }
        )*
    };
}
