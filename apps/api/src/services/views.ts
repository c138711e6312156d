import type { ApiKey, User } from '@podfleet/db';
import type { z } from 'zod';
import type { apiKeySchema, userSchema } from '../schemas';

export type UserView = z.infer<typeof userSchema>;
export type ApiKeyView = z.infer<typeof apiKeySchema>;

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    timezone: user.timezone,
    dailyEnabled: user.dailyEnabled,
    weeklyEnabled: user.weeklyEnabled,
    pregenerateTier: user.pregenerateTier,
    storageQuotaBytes: user.storageQuotaBytes === null ? null : Number(user.storageQuotaBytes),
    highPriorityPerDay: user.highPriorityPerDay,
    sources: Array.isArray(user.sources) ? user.sources : [],
    style: (user.style as Record<string, unknown> | null) ?? null,
    webhookUrl: user.webhookUrl,
    episodesGenerated: user.episodesGenerated,
    listens: user.listens,
    createdAt: user.createdAt.toISOString(),
  };
}

export function toApiKeyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt ? key.lastUsedAt.toISOString() : null,
  };
}
