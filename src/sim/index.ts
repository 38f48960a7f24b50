// The headless API: the one entry point that tests, benchmarks, guides and the UI use.
export { createCluster, CheckerViolation, SimCluster, DEFAULT_CLOCKS, plainAction } from './cluster';
export { ConfigError, MAX_HOST_CHARS, MAX_NODES, parseClusterConfig, ignoredConfigKeys, CONFIG_KEYS_NOTE, generatedConfig, configToYaml } from './config';
export type { ClusterConfig, NodeConfig } from './config';
export { clusterOptionsSchema, validateOptions, warnings } from './options';
// The zod schema above loads in the page only on demand: the engine finds it through './validate'.
export { MAX_SEED, MIN_SEED, loadValidator, validatorLoaded } from './validate';
export type { OptionWarning } from './options';
export type { ClientLogLine, CommandHandle, Received } from './client';
export type { AliveEntry, DetectorPeerView, DetectorStats, DetectorView } from './nodeActor';
export { MESSAGING_PROPERTIES } from './checkers/messaging';
export { DEFAULT_NETWORK } from './engine';
export { RAFT_PROPERTIES } from './checkers/raft';
export type {
  ActionRecord,
  Cluster,
  ClusterOptions,
  ClockSettings,
  InFlight,
  LogEntryView,
  NetworkSettings,
  NodeView,
  Publish,
  Role,
  SimEvent,
  TopicRecord,
  Violation,
} from './types';
export { replay, isReplayable } from './replay';
// The Raft messages on the bus and the configuration/snapshot shapes (issue 13 adds PreVote, PreVoteReply,
// InstallSnapshot, InstallSnapshotReply and TimeoutNow), for views that explain messages.
export type {
  AppendEntries,
  AppendEntriesReply,
  ConfigCommand,
  Configuration,
  InstallSnapshot,
  InstallSnapshotReply,
  PreVote,
  PreVoteReply,
  RaftMessage,
  RequestVote,
  RequestVoteReply,
  Snapshot,
  TimeoutNow,
} from '../core/raft/types';
export { RAFT_MESSAGE_TYPES, isConfigCommand } from '../core/raft/types';
// The scenario language lives in './scenario' (import it from there): re-exporting it here would pull
// it into the page's first-load bundle, which only the guides need.
export { loadYaml, yamlLoaded } from './yaml';
