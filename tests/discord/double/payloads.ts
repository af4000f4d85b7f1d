// Builders for the Discord API objects the double hands to discord.js.
//
// The shapes follow the v10 API documentation closely enough that discord.js
// builds its real structures from them (ClientUser, Guild, TextChannel,
// Message, ChatInputCommandInteraction, ...). Fields discord.js reads without
// a fallback (e.g. `entitlements.reduce`, `guild.roles`, `message.author`) are
// always present, so a missing field shows up as a test failure in the code
// under test rather than a TypeError deep inside discord.js.

/** A loose JSON object: the double does not depend on discord-api-types. */
export type Json = Record<string, unknown>;

/** Discord's epoch (2015-01-01T00:00:00Z), the zero point of snowflake timestamps. */
const DISCORD_EPOCH = 1_420_070_400_000n;
let snowflakeCounter = 0n;

/**
 * A fresh, valid snowflake. discord.js derives `createdTimestamp` from ids with
 * BigInt arithmetic, so ids must be real snowflakes, not arbitrary strings.
 * The 22 low bits hold a process-wide counter so ids minted in the same
 * millisecond stay unique and increasing.
 */
export function snowflake(at: number = Date.now()): string {
  snowflakeCounter = (snowflakeCounter + 1n) & 0x3fffffn;
  return (((BigInt(at) - DISCORD_EPOCH) << 22n) | snowflakeCounter).toString();
}

export interface Identity {
  applicationId: string;
  botUserId: string;
  botUsername: string;
  guildId: string;
  guildName: string;
  channelId: string;
  channelName: string;
}

export function botUser(id: Identity): Json {
  return {
    id: id.botUserId,
    username: id.botUsername,
    discriminator: '0000',
    global_name: null,
    avatar: null,
    bot: true,
    system: false,
    verified: true,
    mfa_enabled: false,
    flags: 0,
    public_flags: 0,
    email: null,
  };
}

/** A human user (the invoker of interactions, unless a test overrides it). */
export function humanUser(userId: string, username: string): Json {
  return {
    id: userId,
    username,
    discriminator: '0',
    global_name: username,
    avatar: null,
    public_flags: 0,
    primary_guild: null,
  };
}

/** GET /applications/@me and READY's `application` (READY only carries id + flags). */
export function application(id: Identity): Json {
  return {
    id: id.applicationId,
    name: id.botUsername,
    icon: null,
    description: '',
    summary: '',
    type: null,
    bot_public: false,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: 0,
    owner: humanUser('100000000000000001', 'owner'),
    team: null,
    bot: botUser(id),
    approximate_guild_count: 1,
    integration_types_config: { '0': {} },
  };
}

export function textChannel(id: Identity, withGuildId: boolean): Json {
  return {
    id: id.channelId,
    type: 0,
    // GUILD_CREATE omits guild_id on its channels (discord.js fills it in);
    // GET /channels/:id includes it.
    ...(withGuildId ? { guild_id: id.guildId } : {}),
    name: id.channelName,
    position: 0,
    permission_overwrites: [],
    parent_id: null,
    topic: null,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
}

/** The id of the guild's one extra role ("Reviewers"). */
export const ROLE_ID = '700000000000000007';

/** GUILD_CREATE payload: an available guild with one text channel and the bot as member. */
export function guildCreate(id: Identity, joinedAt: string): Json {
  return {
    id: id.guildId,
    name: id.guildName,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: '100000000000000001',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    // Every guild has an @everyone role whose id equals the guild id.
    roles: [
      {
        id: id.guildId,
        name: '@everyone',
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: '1071698660929',
        managed: false,
        mentionable: false,
        flags: 0,
      },
      // A plain role without permissions, for features that trust a configured role (e.g. draft reviewers).
      {
        id: ROLE_ID,
        name: 'Reviewers',
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 1,
        permissions: '0',
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    nsfw: false,
    max_members: 500000,
    max_video_channel_users: 25,
    max_stage_video_channel_users: 50,
    joined_at: joinedAt,
    large: false,
    unavailable: false,
    lazy: true,
    member_count: 2,
    voice_states: [],
    members: [
      {
        user: botUser(id),
        nick: null,
        avatar: null,
        banner: null,
        roles: [],
        joined_at: joinedAt,
        premium_since: null,
        deaf: false,
        mute: false,
        flags: 0,
        pending: false,
        communication_disabled_until: null,
      },
    ],
    channels: [textChannel(id, false)],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    embedded_activities: [],
    activity_instances: [],
    incidents_data: null,
  };
}

export interface AttachmentInput {
  filename: string;
  contentType: string;
  size: number;
  description?: string;
}

/** A message object as Discord returns it from message-creating endpoints. */
export function message(fields: {
  id?: string;
  channelId: string;
  guildId?: string;
  author: Json;
  payload: Json;
  attachments: Json[];
  type?: number;
  webhookId?: string;
  applicationId?: string;
  interactionMetadata?: Json;
  extraFlags?: number;
}): Json {
  const now = new Date().toISOString();
  const p = fields.payload;
  const flags = (typeof p['flags'] === 'number' ? p['flags'] : 0) | (fields.extraFlags ?? 0);
  return {
    id: fields.id ?? snowflake(),
    type: fields.type ?? 0,
    channel_id: fields.channelId,
    ...(fields.guildId ? { guild_id: fields.guildId } : {}),
    author: fields.author,
    content: typeof p['content'] === 'string' ? p['content'] : '',
    timestamp: now,
    edited_timestamp: null,
    tts: p['tts'] === true,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    mention_channels: [],
    attachments: fields.attachments,
    embeds: Array.isArray(p['embeds']) ? p['embeds'] : [],
    components: Array.isArray(p['components']) ? p['components'] : [],
    reactions: [],
    pinned: false,
    flags,
    ...(p['nonce'] !== undefined ? { nonce: p['nonce'] } : {}),
    ...(p['message_reference'] ? { message_reference: p['message_reference'] } : {}),
    ...(fields.webhookId ? { webhook_id: fields.webhookId } : {}),
    ...(fields.applicationId ? { application_id: fields.applicationId } : {}),
    ...(fields.interactionMetadata ? { interaction_metadata: fields.interactionMetadata } : {}),
  };
}

/** A thread channel object (types 10/11/12). */
export function thread(fields: {
  id: string;
  guildId: string;
  parentId: string;
  ownerId: string;
  name: string;
  type: number;
  autoArchiveDuration: number;
  invitable?: boolean;
}): Json {
  const now = new Date().toISOString();
  return {
    id: fields.id,
    guild_id: fields.guildId,
    parent_id: fields.parentId,
    owner_id: fields.ownerId,
    type: fields.type,
    name: fields.name,
    last_message_id: null,
    rate_limit_per_user: 0,
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    flags: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: fields.autoArchiveDuration,
      archive_timestamp: now,
      locked: false,
      create_timestamp: now,
      ...(fields.type === 12 ? { invitable: fields.invitable ?? true } : {}),
    },
    member: { id: fields.id, user_id: fields.ownerId, join_timestamp: now, flags: 0 },
  };
}
