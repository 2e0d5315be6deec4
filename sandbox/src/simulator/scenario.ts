import { DEFAULT_GRACE_SECONDS, SANDBOX_USERS } from './defaults';
import type {
  AssignmentStatus,
  CallStatus,
  InteractionChannelStatus,
  ReservationStatus,
  SimReservation,
  SimTaskQueue,
  SimWorker,
  TaskKind,
} from './model';
import { ENDED_CALL_STATUSES, LIVE_CALL_STATUSES } from './model';
import type { Random } from './random';
import type { HistoryOptions } from './history';
import type { NewCall, NewTask } from './store';
import type { SimStore } from './store';

export type SeedChannel = 'voice' | 'chat' | 'sms';
export type OpenStatus = 'pending' | 'reserved' | 'assigned';

/**
 * What a seeded workspace contains. Shares are of `openTasks`; the special cases (stuck, recently
 * ended, no call_sid, unknown call, bad attributes, conference and outbound tasks) are voice tasks,
 * and the rest of the open tasks are split by `channelMix`, their voice calls live.
 */
export interface ScenarioOptions {
  /** Open (pending, reserved, assigned) tasks. Default 300. */
  openTasks?: number;
  /** Voice tasks whose call ended longer than the grace period ago. Default 0.25. */
  stuckShare?: number;
  /** Voice tasks whose call ended inside the grace period. Default 0.04. */
  recentlyEndedShare?: number;
  /** Voice tasks whose attributes carry no `call_sid`. Default 0.02. */
  missingCallSidShare?: number;
  /** Voice tasks whose `call_sid` is unknown to the account (404). Default 0.02. */
  unknownCallShare?: number;
  /** Voice tasks whose attributes are not JSON. Default 0.02. */
  badAttributesShare?: number;
  /**
   * Inbound conference tasks (`call_sid` = the customer's leg, plus the worker's leg under
   * `conference.participants`) whose legs both ended longer than the grace period ago. Default 0.04.
   */
  conferenceStuckShare?: number;
  /** Inbound conference tasks whose `call_sid` (customer) leg ended but whose worker leg is live. Default 0.02. */
  conferenceWorkerLiveShare?: number;
  /** Outbound tasks (no `call_sid`, customer and worker legs only) whose legs both ended. Default 0.02. */
  outboundStuckShare?: number;
  /** Outbound tasks (no `call_sid`) whose legs are live. Default 0.01. */
  outboundLiveShare?: number;
  /** Channel mix of the remaining open tasks. Default voice 0.6, chat 0.25, sms 0.15. */
  channelMix?: Partial<Record<SeedChannel, number>>;
  /** Status mix of open tasks outside the stuck set (which cycles through all three). Default 0.35/0.25/0.4. */
  statusMix?: Partial<Record<OpenStatus, number>>;
  /**
   * Voice tasks in `wrapping`, their legs ended before the wrap-up started; wrap-ups of every age
   * (WRAP_UP_LADDER), plain, conference and outbound. Default 4 % of openTasks.
   */
  wrappingTasks?: number;
  /** Recently completed or canceled tasks, still listed until their TTL runs out. Default 2 % of openTasks. */
  closedTasks?: number;
  /** Calls of the account that belong to no task. Default 10 % of openTasks. */
  unrelatedCalls?: number;
  /** Task queue names. Default five queues. */
  taskQueues?: string[];
  /** Worker pool size (besides the three sandbox users). Default 12. */
  workers?: number;
  /** Where "recently ended" ends and "stuck" starts, in seconds. Default 60. */
  graceSeconds?: number;
  /** Oldest open task, in seconds. Default 4 hours. */
  maxTaskAgeSeconds?: number;
  /**
   * Closures from earlier days in TaskRouter's Events (history.ts): by this service and by others.
   * Default 24 ours and 12 others over 14 days; seeded from its own random stream, so the tasks and
   * calls of a seed do not depend on it.
   */
  history?: HistoryOptions;
  /**
   * Messaging tasks (Flex Conversations) in each special case, as shares of openTasks: conversation
   * closed long ago and channel active (stuck, default 0.03); conversation deleted (stuck, 0.01); closed
   * inside the grace period (0.01); channel paused (0.01) or in transfer (0.01); no interaction SIDs
   * (needs review, 0.01); channel already closed (needs review, 0.01). Every share defaults to 0, so
   * that voice-only tests keep their workspace; `MESSAGING_CASES` (the figures above) seeds every case,
   * and the sandbox (`npm start`) does. The chat and sms tasks of `channelMix` are messaging tasks
   * always, their conversations still going (active, inactive, initializing).
   */
  messagingShares?: Partial<Record<MessagingKind, number>>;
  /**
   * Reverse orphans: conversations still going (active or inactive) that no task names, idle beyond
   * the grace period (orphans.ts ORPHAN_LADDER). Default 0; the sandbox seeds
   * SANDBOX_ORPHAN_CONVERSATIONS. Seeded from `<seed>:orphans`, so a seed's tasks do not depend on it.
   */
  orphanConversations?: number;
}

export type MessagingKind = Extract<TaskKind, `messaging_${string}`>;

/** A messaging task in every special case (`messagingShares`); the sandbox's default. */
export const MESSAGING_CASES: Readonly<Record<MessagingKind, number>> = {
  messaging_stuck: 0.03,
  messaging_deleted: 0.01,
  messaging_settling: 0.01,
  messaging_paused: 0.01,
  messaging_transfer: 0.01,
  messaging_no_interaction: 0.01,
  messaging_interaction_closed: 0.01,
};

/** What each messaging kind's conversation and channel are. */
const MESSAGING_SHAPES: Record<
  MessagingKind | 'other_channel',
  Omit<MessagingSpec, 'state'> & { state?: MessagingSpec['state'] }
> = {
  messaging_stuck: { state: 'closed_stale', channel: 'active', interaction: true },
  messaging_deleted: { state: 'deleted', channel: 'active', interaction: true },
  messaging_settling: { state: 'closed_recent', channel: 'active', interaction: true },
  messaging_paused: { state: 'closed_stale', channel: 'pause', interaction: true },
  messaging_transfer: { state: 'closed_stale', channel: 'transfer', interaction: true },
  messaging_no_interaction: { state: 'closed_stale', channel: 'active', interaction: false },
  messaging_interaction_closed: { state: 'closed_stale', channel: 'closed', interaction: true },
  other_channel: { channel: 'active', interaction: true },
};

interface MessagingSpec {
  state: 'active' | 'inactive' | 'initializing' | 'closed_stale' | 'closed_recent' | 'deleted';
  channel: InteractionChannelStatus;
  interaction: boolean;
}

/**
 * The wrapping tasks, in seeding order: how long ago each wrap-up started (its date_updated), which
 * legs it has, and whether the worker leg is still live. Recent and overdue alternate (for a 30-minute
 * limit: 5, 15, 25, 2, 10, 20 minutes are not overdue), so that small scenarios have both; past the
 * ladder it repeats.
 */
export const WRAP_UP_LADDER: readonly { minutes: number; shape: CallShape; workerLive?: true }[] = [
  { minutes: 5, shape: 'conference' },
  { minutes: 120, shape: 'plain' },
  { minutes: 15, shape: 'outbound' },
  { minutes: 45, shape: 'conference' },
  { minutes: 25, shape: 'plain' },
  { minutes: 480, shape: 'outbound' },
  { minutes: 2, shape: 'conference' },
  { minutes: 60, shape: 'conference', workerLive: true },
  { minutes: 10, shape: 'outbound' },
  { minutes: 240, shape: 'plain' },
  { minutes: 20, shape: 'conference' },
  { minutes: 900, shape: 'outbound' },
];

/**
 * Other `conversations.*` keys (Flex Insights) some tasks carry, as raw JSON text so that the number
 * literals stay exactly as written (`1.50`, an integer beyond 2^53): a close that writes
 * `conversations.outcome` must keep them byte for byte.
 */
export const CONVERSATIONS_ATTRIBUTES_TEXT =
  '{"communication_channel":"voice","conversation_attribute_1":"Gold customer",' +
  '"conversation_attribute_2":"Renewal","conversation_measure_1":1.50,"external_id":12345678901234567890}';

export const DEFAULT_TASK_QUEUES = ['Support', 'Sales', 'Billing', 'Priority Voice', 'Overflow'];

const WORKER_NAMES = [
  'Jordan Lee',
  'Priya Nair',
  'Marta Kowalski',
  'Tomás Rivera',
  'Aiko Tanaka',
  'Chidi Okafor',
  'Sofia Rossi',
  'Liam O’Brien',
  'Fatima Zahra',
  'Noah Schmidt',
  'Mei Chen',
  'Oliver Dubois',
  'Amara Singh',
  'Lucas Silva',
  'Eva Novak',
  'Kwame Mensah',
];

export interface SeedSummary {
  openTasks: number;
  byKind: Record<TaskKind, number>;
}

/** Fills an empty store with a reproducible workspace: same seed and options, same SIDs and content. */
export function seedScenario(store: SimStore, rng: Random, options: ScenarioOptions, now: number): SeedSummary {
  const open = nonNegativeInt(options.openTasks ?? 300, 'openTasks');
  const grace = options.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  const maxAge = Math.max(options.maxTaskAgeSeconds ?? 4 * 3600, grace * 3 + 600);
  const counts = {
    stuck: share(open, options.stuckShare ?? 0.25, 'stuckShare'),
    recently_ended: share(open, options.recentlyEndedShare ?? 0.04, 'recentlyEndedShare'),
    no_call_sid: share(open, options.missingCallSidShare ?? 0.02, 'missingCallSidShare'),
    call_not_found: share(open, options.unknownCallShare ?? 0.02, 'unknownCallShare'),
    bad_attributes: share(open, options.badAttributesShare ?? 0.02, 'badAttributesShare'),
    conference_stuck: share(open, options.conferenceStuckShare ?? 0.04, 'conferenceStuckShare'),
    conference_worker_live: share(open, options.conferenceWorkerLiveShare ?? 0.02, 'conferenceWorkerLiveShare'),
    outbound_stuck: share(open, options.outboundStuckShare ?? 0.02, 'outboundStuckShare'),
    outbound_live: share(open, options.outboundLiveShare ?? 0.01, 'outboundLiveShare'),
  };
  const messagingCounts = Object.fromEntries(
    (Object.keys(MESSAGING_CASES) as MessagingKind[]).map((kind) => [
      kind,
      share(open, options.messagingShares?.[kind] ?? 0, `messagingShares.${kind}`),
    ]),
  ) as Record<MessagingKind, number>;
  const special =
    Object.values(counts).reduce((a, b) => a + b, 0) + Object.values(messagingCounts).reduce((a, b) => a + b, 0);
  if (special > open) {
    throw new Error(`Scenario shares add up to more than the ${open} open tasks (${special} special tasks)`);
  }
  const channelCounts = split(open - special, {
    voice: options.channelMix?.voice ?? 0.6,
    chat: options.channelMix?.chat ?? 0.25,
    sms: options.channelMix?.sms ?? 0.15,
  });
  const statusWeights: Record<OpenStatus, number> = {
    pending: options.statusMix?.pending ?? 0.35,
    reserved: options.statusMix?.reserved ?? 0.25,
    assigned: options.statusMix?.assigned ?? 0.4,
  };
  const wrapping = nonNegativeInt(options.wrappingTasks ?? Math.round(open * 0.04), 'wrappingTasks');
  const closed = nonNegativeInt(options.closedTasks ?? Math.round(open * 0.02), 'closedTasks');
  const unrelated = nonNegativeInt(options.unrelatedCalls ?? Math.round(open * 0.1), 'unrelatedCalls');

  seedCatalogue(store, rng, options);

  const specs: TaskSpec[] = [];
  const add = (n: number, make: (i: number) => Omit<TaskSpec, 'age'> & { minAge?: number }): void => {
    for (let i = 0; i < n; i += 1) {
      const spec = make(i);
      const minAge = spec.minAge ?? 20;
      specs.push({ ...spec, age: rng.int(minAge, Math.max(minAge, maxAge)) });
    }
  };
  const openStatusCycle: OpenStatus[] = ['pending', 'reserved', 'assigned'];
  // Stuck tasks cycle through every (status × ended call status) pair so that small scenarios cover them all.
  add(counts.stuck, (i) => ({
    kind: 'stuck',
    channel: 'voice',
    status: openStatusCycle[i % 3],
    call: { status: ENDED_CALL_STATUSES[Math.floor(i / 3) % ENDED_CALL_STATUSES.length], endedAgo: 'stale' },
    conversations: i % 2 === 0,
    minAge: grace + 120,
  }));
  // Conference and outbound tasks: every open status where it makes sense, legs ended with every status.
  const conferenceStatusCycle: OpenStatus[] = ['assigned', 'reserved', 'pending'];
  const ended = (i: number): LegSpec => ({
    status: ENDED_CALL_STATUSES[i % ENDED_CALL_STATUSES.length],
    endedAgo: 'stale',
  });
  const live: LegSpec = { status: 'in-progress', endedAgo: 'live' };
  add(counts.conference_stuck, (i) => ({
    kind: 'conference_stuck',
    channel: 'voice',
    status: conferenceStatusCycle[i % 3],
    legs: { shape: 'conference', customer: ended(i), worker: { status: 'completed', endedAgo: 'stale' } },
    conversations: true,
    minAge: grace + 120,
  }));
  add(counts.conference_worker_live, (i) => ({
    kind: 'conference_worker_live',
    channel: 'voice',
    status: i % 2 === 0 ? 'assigned' : 'reserved',
    legs: { shape: 'conference', customer: ended(i), worker: live },
    conversations: true,
    minAge: grace + 120,
  }));
  add(counts.outbound_stuck, (i) => ({
    kind: 'outbound_stuck',
    channel: 'voice',
    status: conferenceStatusCycle[i % 3],
    legs: { shape: 'outbound', customer: ended(i), worker: { status: 'completed', endedAgo: 'stale' } },
    conversations: true,
    minAge: grace + 120,
  }));
  add(counts.outbound_live, () => ({
    kind: 'outbound_live',
    channel: 'voice',
    status: 'assigned',
    legs: { shape: 'outbound', customer: live, worker: live },
    conversations: true,
  }));
  add(counts.recently_ended, (i) => ({
    kind: 'recently_ended',
    channel: 'voice',
    status: openStatusCycle[i % 3],
    call: { status: ENDED_CALL_STATUSES[i % ENDED_CALL_STATUSES.length], endedAgo: 'recent' },
    minAge: grace + 30,
  }));
  add(counts.no_call_sid, (i) => ({ kind: 'no_call_sid', channel: 'voice', status: openStatusCycle[i % 3] }));
  add(counts.call_not_found, (i) => ({ kind: 'call_not_found', channel: 'voice', status: openStatusCycle[i % 3] }));
  add(counts.bad_attributes, (i) => ({ kind: 'bad_attributes', channel: 'voice', status: openStatusCycle[i % 3] }));
  add(channelCounts.voice, (i) => ({
    kind: 'live',
    channel: 'voice',
    status: i < 3 ? openStatusCycle[i] : rng.weighted(statusWeights),
    call: { status: LIVE_CALL_STATUSES[i % LIVE_CALL_STATUSES.length], endedAgo: 'live' },
  }));
  // Messaging tasks still going: their conversations active, inactive (the customer went quiet) or initializing.
  const goingStates: MessagingSpec['state'][] = ['active', 'inactive', 'initializing'];
  add(channelCounts.chat, (i) => ({
    kind: 'other_channel',
    channel: 'chat',
    status: rng.weighted(statusWeights),
    messaging: { ...MESSAGING_SHAPES.other_channel, state: goingStates[i % 3] },
  }));
  add(channelCounts.sms, (i) => ({
    kind: 'other_channel',
    channel: 'sms',
    status: rng.weighted(statusWeights),
    messaging: { ...MESSAGING_SHAPES.other_channel, state: goingStates[i % 3] },
  }));
  // Special messaging tasks cycle through the open statuses; the sms/chat channels alternate.
  for (const kind of Object.keys(messagingCounts) as MessagingKind[]) {
    add(messagingCounts[kind], (i) => ({
      kind,
      channel: i % 2 === 0 ? 'sms' : 'chat',
      status: openStatusCycle[i % 3],
      messaging: MESSAGING_SHAPES[kind] as MessagingSpec,
      minAge: grace + 600,
    }));
  }
  for (let i = 0; i < wrapping; i += 1) {
    const rung = WRAP_UP_LADDER[i % WRAP_UP_LADDER.length];
    // The wrap-up started `minutes` ago (never inside the grace period), after a call of 1 to 15 minutes.
    const wrapAgeSeconds = Math.max(rung.minutes * 60, grace + 60);
    const endedLeg: LegSpec = { status: 'completed', endedAgo: 'stale' };
    specs.push({
      kind: 'wrapping',
      channel: 'voice',
      status: 'wrapping',
      ...(rung.shape === 'plain'
        ? { call: endedLeg }
        : {
            legs: {
              shape: rung.shape,
              customer: endedLeg,
              worker: rung.workerLive ? { status: 'in-progress', endedAgo: 'live' } : endedLeg,
            },
          }),
      conversations: true,
      wrapAgeSeconds,
      age: wrapAgeSeconds + rng.int(60, 900),
    });
  }
  add(closed, (i) => ({
    kind: 'closed',
    channel: 'voice',
    status: i % 2 === 0 ? 'completed' : 'canceled',
    call: { status: i % 2 === 0 ? 'completed' : 'canceled', endedAgo: 'stale' },
    minAge: grace + 120,
  }));

  // Creation order is date order, so that lists sorted by DateCreated page by ordinal.
  specs.sort((a, b) => b.age - a.age);
  const calls: NewCall[] = [];
  const tasks: NewTask[] = [];
  for (const spec of specs) {
    const created = now - spec.age * 1000;
    const from = phoneNumber(rng);
    const to = '+18005550100';
    // A wrap-up started after its calls ended.
    const wrapStart = spec.wrapAgeSeconds === undefined ? null : now - spec.wrapAgeSeconds * 1000;
    const endBy = wrapStart === null ? undefined : wrapStart - 5000;
    let callSid: string | null = null;
    let conference: ConferenceAttributes | null = null;
    if (spec.call) {
      callSid = sid(rng, 'CA');
      calls.push(
        makeCall(rng, callSid, spec.call.status, spec.call.endedAgo, created, now, grace, from, to, { endBy }),
      );
    } else if (spec.legs) {
      const inbound = spec.legs.shape === 'conference';
      const customer = sid(rng, 'CA');
      const worker = sid(rng, 'CA');
      const { customer: customerLeg, worker: workerLeg } = spec.legs;
      calls.push(
        makeCall(rng, customer, customerLeg.status, customerLeg.endedAgo, created, now, grace, from, to, {
          endBy,
          direction: inbound ? 'inbound' : 'outbound-api',
        }),
        // Flex dials the agent's client into the conference a few seconds after the task is created.
        makeCall(rng, worker, workerLeg.status, workerLeg.endedAgo, created + 15_000, now, grace, to, 'client:agent', {
          endBy,
          direction: 'outbound-api',
        }),
      );
      conference = { sid: sid(rng, 'CF'), participants: { customer, worker } };
      if (inbound) callSid = customer;
    } else if (spec.kind === 'call_not_found' || spec.kind === 'bad_attributes') {
      callSid = sid(rng, 'CA');
    }
    const messagingRefs = spec.messaging
      ? seedMessaging(store, rng, spec.messaging, spec.channel, created, now, grace)
      : null;
    const taskSid = sid(rng, 'WT');
    const isClosedTask = spec.status === 'completed' || spec.status === 'canceled';
    const closedAt = isClosedTask ? now - rng.int(0, 60) * 1000 : null;
    tasks.push({
      sid: taskSid,
      assignmentStatus: spec.status,
      attributes:
        messagingRefs !== null
          ? messagingAttributes(spec.channel, messagingRefs, from)
          : attributesFor(rng, spec, store.accountSid, callSid, conference, from, to),
      channel: spec.channel,
      taskQueue: pickQueue(rng, store.queues, spec.channel),
      priority: rng.chance(0.1) ? 10 : 0,
      dateCreated: created,
      dateUpdated: closedAt ?? wrapStart ?? created + Math.min(spec.age * 1000 - 1000, rng.int(1, 30) * 1000),
      reason: isClosedTask ? 'Task closed by orchestration' : null,
      closedAt,
      reservations: reservationsFor(rng, store.workers, spec.status, created),
      kind: spec.kind,
    });
  }
  calls.sort((a, b) => a.dateCreated - b.dateCreated);
  for (let i = 0; i < unrelated; i += 1) {
    const status = rng.pick([...ENDED_CALL_STATUSES, ...LIVE_CALL_STATUSES, 'completed', 'completed'] as CallStatus[]);
    const created = now - rng.int(30, maxAge) * 1000;
    calls.push(makeCall(rng, sid(rng, 'CA'), status, 'stale', created, now, grace, phoneNumber(rng), phoneNumber(rng)));
  }
  calls.sort((a, b) => a.dateCreated - b.dateCreated);
  for (const call of calls) store.addCall(call);
  for (const task of tasks) store.addTask(task);

  const byKind = {} as Record<TaskKind, number>;
  for (const spec of specs) byKind[spec.kind] = (byKind[spec.kind] ?? 0) + 1;
  return { openTasks: open, byKind };
}

type CallShape = 'plain' | 'conference' | 'outbound';

interface LegSpec {
  status: CallStatus;
  endedAgo: 'stale' | 'recent' | 'live';
}

interface TaskSpec {
  kind: TaskKind;
  channel: SeedChannel;
  status: AssignmentStatus;
  /** The one call named by `call_sid`. */
  call?: LegSpec;
  /** Conference legs: inbound (`call_sid` = the customer leg) or outbound (no `call_sid`). */
  legs?: { shape: Exclude<CallShape, 'plain'>; customer: LegSpec; worker: LegSpec };
  /** Carries other `conversations.*` keys (CONVERSATIONS_ATTRIBUTES_TEXT). */
  conversations?: boolean;
  /** For a wrapping task: how long ago the wrap-up started (its date_updated). */
  wrapAgeSeconds?: number;
  /** A messaging task: its conversation's state and its channel's status. */
  messaging?: MessagingSpec;
  age: number;
}

interface SeededMessaging {
  conversationSid: string;
  interactionSid: string;
  channelSid: string;
  interaction: boolean;
}

/** A messaging task's conversation (absent when deleted) and interaction channel, added to the store. */
function seedMessaging(
  store: SimStore,
  rng: Random,
  spec: MessagingSpec,
  channel: SeedChannel,
  created: number,
  now: number,
  grace: number,
): SeededMessaging {
  const conversationSid = sid(rng, 'CH');
  const interactionSid = sid(rng, 'KD');
  const channelSid = sid(rng, 'UO');
  const closed = spec.state === 'closed_stale' || spec.state === 'closed_recent';
  const closedAt =
    spec.state === 'closed_recent'
      ? now - rng.int(1, Math.max(1, grace - 10)) * 1000
      : Math.max(created + 1000, now - (grace + rng.int(120, 600)) * 1000);
  if (spec.state !== 'deleted') {
    store.conversations.set(conversationSid, {
      sid: conversationSid,
      state: closed ? 'closed' : (spec.state as 'active' | 'inactive' | 'initializing'),
      friendlyName: `Conversation ${conversationSid.slice(-6)}`,
      chatServiceSid: sid(rng, 'IS'),
      dateCreated: created - 1000,
      dateUpdated: closed ? closedAt : Math.max(created, now - rng.int(5, 600) * 1000),
      dateClosed: closed ? closedAt : null,
      dateInactive: spec.state === 'inactive' ? now - rng.int(60, 600) * 1000 : null,
    });
  }
  store.interactionChannels.set(channelSid, {
    sid: channelSid,
    interactionSid,
    type: channel === 'chat' ? 'web' : 'sms',
    status: spec.channel,
    conversationSid,
    errorCode: null,
    errorMessage: null,
    dateUpdated: created,
  });
  return { conversationSid, interactionSid, channelSid, interaction: spec.interaction };
}

/** Flex Conversations' task attributes: the conversation, the interaction and its channel. */
function messagingAttributes(channel: SeedChannel, refs: SeededMessaging, from: string): string {
  return JSON.stringify({
    channelType: channel === 'chat' ? 'web' : 'sms',
    conversationSid: refs.conversationSid,
    ...(refs.interaction
      ? { flexInteractionSid: refs.interactionSid, flexInteractionChannelSid: refs.channelSid }
      : {}),
    from: channel === 'chat' ? `Visitor ${from.slice(-4)}` : from,
    name: from,
    direction: 'inbound',
    conversations: { media: [{ type: 'ChatTranscript', sid: refs.conversationSid }] },
  });
}

interface ConferenceAttributes {
  sid: string;
  participants: { customer: string; worker: string };
}

/** Queues, channels and workers; they exist even in an empty workspace. */
function seedCatalogue(store: SimStore, rng: Random, options: ScenarioOptions): void {
  const queueNames = options.taskQueues && options.taskQueues.length > 0 ? options.taskQueues : DEFAULT_TASK_QUEUES;
  store.queues = queueNames.map((name) => ({ sid: sid(rng, 'WQ'), name }));
  for (const uniqueName of ['default', 'voice', 'chat', 'sms', 'video', 'email']) {
    store.channels.set(uniqueName, { sid: sid(rng, 'TC'), uniqueName });
  }
  const pool = nonNegativeInt(options.workers ?? 12, 'workers');
  const workers: SimWorker[] = Object.values(SANDBOX_USERS).map((user) => ({
    sid: user.workerSid,
    name: user.fullName,
  }));
  for (let i = 0; i < pool; i += 1) {
    const base = WORKER_NAMES[i % WORKER_NAMES.length];
    workers.push({ sid: sid(rng, 'WK'), name: i < WORKER_NAMES.length ? base : `${base} ${Math.floor(i / 16) + 1}` });
  }
  store.workers = workers;
}

function makeCall(
  rng: Random,
  callSid: string,
  status: CallStatus,
  endedAgo: 'stale' | 'recent' | 'live',
  created: number,
  now: number,
  grace: number,
  from: string,
  to: string,
  options: { endBy?: number; direction?: NewCall['direction'] } = {},
): NewCall {
  const dateCreated = created - rng.int(1, 15) * 1000;
  const direction = options.direction ?? 'inbound';
  if (endedAgo === 'live' || LIVE_CALL_STATUSES.includes(status)) {
    return {
      sid: callSid,
      status,
      direction,
      from,
      to,
      dateCreated,
      startTime: status === 'in-progress' ? dateCreated : null,
      endTime: null,
    };
  }
  const latestEnd =
    endedAgo === 'recent' ? now - rng.int(1, Math.max(1, grace - 10)) * 1000 : now - (grace + rng.int(30, 90)) * 1000;
  const unbounded =
    endedAgo === 'recent'
      ? latestEnd
      : Math.max(dateCreated + 5000, Math.min(latestEnd, dateCreated + rng.int(20, 900) * 1000));
  const endTime =
    options.endBy === undefined ? unbounded : Math.max(dateCreated + 1000, Math.min(unbounded, options.endBy));
  const answered = status === 'completed';
  return {
    sid: callSid,
    status,
    direction,
    from,
    to,
    dateCreated,
    startTime: answered ? dateCreated : null,
    endTime,
    queueTimeMs: rng.int(0, 2000),
  };
}

function attributesFor(
  rng: Random,
  spec: TaskSpec,
  accountSid: string,
  callSid: string | null,
  conference: ConferenceAttributes | null,
  from: string,
  to: string,
): string {
  if (spec.channel === 'chat') {
    return JSON.stringify({
      channelType: 'web',
      channelSid: sid(rng, 'CH'),
      conversationSid: sid(rng, 'CH'),
      from: `Visitor ${rng.int(1000, 9999)}`,
      name: `Visitor ${rng.int(1000, 9999)}`,
      direction: 'inbound',
    });
  }
  if (spec.channel === 'sms') {
    return JSON.stringify({
      channelType: 'sms',
      conversationSid: sid(rng, 'CH'),
      from,
      name: from,
      direction: 'inbound',
    });
  }
  const outbound = spec.legs?.shape === 'outbound';
  // Flex's outbound call task: from the contact centre's number to the customer, no call_sid.
  const voice: Record<string, unknown> = outbound
    ? {
        type: 'outbound',
        name: from,
        from: to,
        to: from,
        outbound_to: from,
        direction: 'outbound',
        account_sid: accountSid,
      }
    : {
        type: 'inbound',
        name: from,
        from,
        to,
        caller: from,
        called: to,
        direction: 'inbound',
        account_sid: accountSid,
        caller_country: 'US',
      };
  if (spec.kind === 'bad_attributes') {
    // Truncated JSON, as left behind by a broken integration.
    return JSON.stringify({ ...voice, call_sid: callSid }).slice(0, 60 + rng.int(0, 20));
  }
  if (spec.kind !== 'no_call_sid' && callSid) voice.call_sid = callSid;
  if (conference) voice.conference = conference;
  const text = JSON.stringify(voice);
  return spec.conversations ? `${text.slice(0, -1)},"conversations":${CONVERSATIONS_ATTRIBUTES_TEXT}}` : text;
}

function reservationsFor(
  rng: Random,
  workers: readonly SimWorker[],
  status: AssignmentStatus,
  created: number,
): SimReservation[] {
  const reservations: SimReservation[] = [];
  const reservation = (reservationStatus: ReservationStatus, at: number): SimReservation => {
    const worker = rng.pick(workers);
    return {
      sid: sid(rng, 'WR'),
      workerSid: worker.sid,
      workerName: worker.name,
      status: reservationStatus,
      dateCreated: at,
      dateUpdated: at + 1000,
    };
  };
  if (status !== 'pending' && rng.chance(0.2))
    reservations.push(reservation(rng.pick(['rejected', 'timeout'] as const), created + 1000));
  const current: Partial<Record<AssignmentStatus, ReservationStatus>> = {
    reserved: 'pending',
    assigned: 'accepted',
    wrapping: 'wrapping',
    completed: 'completed',
    canceled: 'canceled',
  };
  const latest = current[status];
  if (latest && !(status === 'canceled' && rng.chance(0.5))) reservations.push(reservation(latest, created + 2000));
  return reservations;
}

function pickQueue(rng: Random, queues: readonly SimTaskQueue[], channel: SeedChannel): SimTaskQueue {
  const voiceQueue = queues.find((queue) => /voice/i.test(queue.name));
  if (voiceQueue && channel !== 'voice') {
    const others = queues.filter((queue) => queue !== voiceQueue);
    if (others.length > 0) return rng.pick(others);
  }
  return rng.pick(queues);
}

export function sid(rng: Random, prefix: string): string {
  return `${prefix}${rng.hex(32)}`;
}

function phoneNumber(rng: Random): string {
  return `+1555${String(rng.int(0, 9999999)).padStart(7, '0')}`;
}

function share(total: number, fraction: number, name: string): number {
  if (!(fraction >= 0 && fraction <= 1)) throw new Error(`Scenario option ${name} must be between 0 and 1`);
  return Math.round(total * fraction);
}

function nonNegativeInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new Error(`Scenario option ${name} must be a non-negative integer`);
  return value;
}

/** Splits n into integer parts proportional to the weights, summing exactly to n. */
function split<K extends string>(n: number, weights: Record<K, number>): Record<K, number> {
  const keys = Object.keys(weights) as K[];
  const total = keys.reduce((sum, key) => sum + Math.max(0, weights[key]), 0);
  const result = {} as Record<K, number>;
  let assigned = 0;
  keys.forEach((key, i) => {
    const part =
      i === keys.length - 1 ? n - assigned : total > 0 ? Math.round((n * Math.max(0, weights[key])) / total) : 0;
    const bounded = Math.max(0, Math.min(part, n - assigned));
    result[key] = bounded;
    assigned += bounded;
  });
  return result;
}
