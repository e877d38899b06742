//! The Kubernetes checks, one file each, and their registry.

use super::util::Check;

pub mod allow_privilege_escalation;
pub mod apparmor;
pub mod automount_sa_token;
pub mod capabilities_add_restricted;
pub mod capabilities_baseline;
pub mod capabilities_drop_all;
pub mod configmap_secrets;
pub mod cpu_limit;
pub mod cpu_request;
pub mod default_namespace;
pub mod default_sa_automount;
pub mod default_service_account;
pub mod disallowed_host_paths;
pub mod env_secret_literal;
pub mod env_secret_ref;
pub mod host_ipc;
pub mod host_network;
pub mod host_pid;
pub mod host_port;
pub mod host_process;
pub mod hostpath_volume;
pub mod image_digest;
pub mod image_latest;
pub mod image_pull_policy;
pub mod image_untagged;
pub mod ingress_no_tls;
pub mod liveness_probe;
pub mod low_gid;
pub mod low_uid;
pub mod memory_limit;
pub mod memory_request;
pub mod net_raw;
pub mod network_policy_missing;
pub mod pod_security_context;
pub mod privileged;
pub mod privileged_ports;
pub mod proc_mount;
pub mod rbac_admission_webhooks;
pub mod rbac_anonymous_binding;
pub mod rbac_cluster_admin_binding;
pub mod rbac_create_persistent_volumes;
pub mod rbac_create_sa_tokens;
pub mod rbac_create_workloads;
pub mod rbac_csr_approval;
pub mod rbac_default_sa_binding;
pub mod rbac_escalate_bind_impersonate;
pub mod rbac_manage_rbac;
pub mod rbac_nodes_proxy;
pub mod rbac_pods_exec;
pub mod rbac_secrets_read;
pub mod rbac_system_masters;
pub mod rbac_wildcard_api_groups;
pub mod rbac_wildcard_resources;
pub mod rbac_wildcard_verbs;
pub mod read_only_root_fs;
pub mod readiness_probe;
pub mod run_as_non_root;
pub mod run_as_root_user;
pub mod runtime_socket;
pub mod seccomp_restricted;
pub mod seccomp_unconfined;
pub mod selinux;
pub mod service_external_ips;
pub mod service_loadbalancer;
pub mod service_nodeport;
pub mod sys_admin;
pub mod unsafe_sysctls;
pub mod untrusted_registry;
pub mod volume_types;

/// Every Kubernetes check, in id order.
pub static CHECKS: &[Check] = &[
    Check { meta: &privileged::META, run: privileged::run },
    Check { meta: &host_network::META, run: host_network::run },
    Check { meta: &host_pid::META, run: host_pid::run },
    Check { meta: &host_ipc::META, run: host_ipc::run },
    Check { meta: &host_process::META, run: host_process::run },
    Check { meta: &capabilities_baseline::META, run: capabilities_baseline::run },
    Check { meta: &hostpath_volume::META, run: hostpath_volume::run },
    Check { meta: &host_port::META, run: host_port::run },
    Check { meta: &apparmor::META, run: apparmor::run },
    Check { meta: &selinux::META, run: selinux::run },
    Check { meta: &proc_mount::META, run: proc_mount::run },
    Check { meta: &seccomp_unconfined::META, run: seccomp_unconfined::run },
    Check { meta: &unsafe_sysctls::META, run: unsafe_sysctls::run },
    Check { meta: &volume_types::META, run: volume_types::run },
    Check { meta: &allow_privilege_escalation::META, run: allow_privilege_escalation::run },
    Check { meta: &run_as_non_root::META, run: run_as_non_root::run },
    Check { meta: &run_as_root_user::META, run: run_as_root_user::run },
    Check { meta: &seccomp_restricted::META, run: seccomp_restricted::run },
    Check { meta: &capabilities_drop_all::META, run: capabilities_drop_all::run },
    Check { meta: &capabilities_add_restricted::META, run: capabilities_add_restricted::run },
    Check { meta: &cpu_limit::META, run: cpu_limit::run },
    Check { meta: &cpu_request::META, run: cpu_request::run },
    Check { meta: &memory_limit::META, run: memory_limit::run },
    Check { meta: &memory_request::META, run: memory_request::run },
    Check { meta: &liveness_probe::META, run: liveness_probe::run },
    Check { meta: &readiness_probe::META, run: readiness_probe::run },
    Check { meta: &image_latest::META, run: image_latest::run },
    Check { meta: &image_untagged::META, run: image_untagged::run },
    Check { meta: &image_digest::META, run: image_digest::run },
    Check { meta: &untrusted_registry::META, run: untrusted_registry::run },
    Check { meta: &read_only_root_fs::META, run: read_only_root_fs::run },
    Check { meta: &low_uid::META, run: low_uid::run },
    Check { meta: &low_gid::META, run: low_gid::run },
    Check { meta: &net_raw::META, run: net_raw::run },
    Check { meta: &sys_admin::META, run: sys_admin::run },
    Check { meta: &runtime_socket::META, run: runtime_socket::run },
    Check { meta: &automount_sa_token::META, run: automount_sa_token::run },
    Check { meta: &default_service_account::META, run: default_service_account::run },
    Check { meta: &default_namespace::META, run: default_namespace::run },
    Check { meta: &env_secret_literal::META, run: env_secret_literal::run },
    Check { meta: &env_secret_ref::META, run: env_secret_ref::run },
    Check { meta: &image_pull_policy::META, run: image_pull_policy::run },
    Check { meta: &pod_security_context::META, run: pod_security_context::run },
    Check { meta: &disallowed_host_paths::META, run: disallowed_host_paths::run },
    Check { meta: &privileged_ports::META, run: privileged_ports::run },
    Check { meta: &rbac_wildcard_verbs::META, run: rbac_wildcard_verbs::run },
    Check { meta: &rbac_wildcard_resources::META, run: rbac_wildcard_resources::run },
    Check { meta: &rbac_wildcard_api_groups::META, run: rbac_wildcard_api_groups::run },
    Check { meta: &rbac_escalate_bind_impersonate::META, run: rbac_escalate_bind_impersonate::run },
    Check { meta: &rbac_secrets_read::META, run: rbac_secrets_read::run },
    Check { meta: &rbac_pods_exec::META, run: rbac_pods_exec::run },
    Check { meta: &rbac_create_workloads::META, run: rbac_create_workloads::run },
    Check { meta: &rbac_nodes_proxy::META, run: rbac_nodes_proxy::run },
    Check { meta: &rbac_manage_rbac::META, run: rbac_manage_rbac::run },
    Check { meta: &rbac_cluster_admin_binding::META, run: rbac_cluster_admin_binding::run },
    Check { meta: &rbac_anonymous_binding::META, run: rbac_anonymous_binding::run },
    Check { meta: &rbac_default_sa_binding::META, run: rbac_default_sa_binding::run },
    Check { meta: &service_nodeport::META, run: service_nodeport::run },
    Check { meta: &service_loadbalancer::META, run: service_loadbalancer::run },
    Check { meta: &service_external_ips::META, run: service_external_ips::run },
    Check { meta: &ingress_no_tls::META, run: ingress_no_tls::run },
    Check { meta: &network_policy_missing::META, run: network_policy_missing::run },
    Check { meta: &default_sa_automount::META, run: default_sa_automount::run },
    Check { meta: &configmap_secrets::META, run: configmap_secrets::run },
    Check { meta: &rbac_admission_webhooks::META, run: rbac_admission_webhooks::run },
    Check { meta: &rbac_csr_approval::META, run: rbac_csr_approval::run },
    Check { meta: &rbac_system_masters::META, run: rbac_system_masters::run },
    Check { meta: &rbac_create_persistent_volumes::META, run: rbac_create_persistent_volumes::run },
    Check { meta: &rbac_create_sa_tokens::META, run: rbac_create_sa_tokens::run },
];
