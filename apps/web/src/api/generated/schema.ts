// Generated from the API's OpenAPI document by apps/api/scripts/web-client.ts: do not edit.
// Regenerate: npx -y pnpm@10.34.9 --filter @podfleet/api run web-client
export interface paths {
    "/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Users, newest first; q finds them by part of the e-mail */
        get: operations["listUsers"];
        put?: never;
        /** Create a user and their first API key */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user, with their storage use against their quota */
        get: operations["getUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Set a user's pre-generation tier, storage quota and high-priority allowance (highPriorityPerDay) */
        patch: operations["updateUser"];
        trace?: never;
    };
    "/v1/users/{id}/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user's active API keys (prefixes, never the keys) */
        get: operations["listUserKeys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/users/{id}/keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke one of a user's API keys (a leaked key) */
        delete: operations["revokeUserKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your profile, feed URL and webhook secret */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Update saved sources, style, timezone, schedule, webhook */
        patch: operations["updateMe"];
        trace?: never;
    };
    "/v1/me/feed-token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate the feed URL (the old one stops working) */
        post: operations["rotateFeedToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/podcast": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How your feed presents your show (defaults filled in) */
        get: operations["getPodcastShow"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Set your show's title, description, author, owner e-mail, language, category, explicit flag, cover colour (null: back to the default) */
        patch: operations["updatePodcastShow"];
        trace?: never;
    };
    "/v1/me/podcast/cover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Upload your own cover: the image itself as the body, a square PNG or JPEG of 1400–3000 px under 512 KB (checked by its bytes) */
        put: operations["uploadPodcastCover"];
        post?: never;
        /** Go back to the generated cover */
        delete: operations["deletePodcastCover"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your active API keys */
        get: operations["listKeys"];
        put?: never;
        /** Create an API key */
        post: operations["createKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key */
        delete: operations["revokeKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/episodes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your episodes, newest first */
        get: operations["listEpisodes"];
        put?: never;
        /** Request an episode */
        post: operations["requestEpisode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/uploads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make an episode from an audio file: the file (and its transcript, if any) as multipart/form-data, streamed to storage; the job normalises it to the feed's MP3 at −16 LUFS and publishes an episode of type upload */
        post: operations["uploadEpisode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/voices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The voices and languages of the fleet's TTS engine (and the languages its script writer writes), for style.hosts[].voice and style.language; a voice or language the fleet does not offer is a 422 naming the valid ones */
        get: operations["listVoices"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/episodes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One episode */
        get: operations["getEpisode"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/episodes/{id}/audio": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The MP3 (Range supported); with ?exp=&sig= no auth header is needed */
        get: operations["getEpisodeAudio"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        /** The MP3's headers (size, type, ETag) without the body */
        head: operations["headEpisodeAudio"];
        patch?: never;
        trace?: never;
    };
    "/v1/episodes/{id}/transcript": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Timed transcript; with ?exp=&sig= (the links of a feed) no auth header is needed */
        get: operations["getEpisodeTranscript"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/episodes/{id}/chapters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Chapters as Podcasting 2.0 JSON chapters (the same start times as the MP3 ID3 chapters); with ?exp=&sig= no auth header is needed */
        get: operations["getEpisodeChapters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/episodes/{id}/listens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record a listen (pre-generation targeting) */
        post: operations["recordListen"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/episodes/{id}/clips": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The episode's clips, newest job first, best clip first */
        get: operations["listEpisodeClips"];
        put?: never;
        /** Cut promo clips from an episode: a clips job (progress, SSE, cancel and retry like any job) */
        post: operations["requestClips"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clips/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One clip */
        get: operations["getClip"];
        put?: never;
        post?: never;
        /** Delete a clip: its media and its record */
        delete: operations["deleteClip"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clips/{id}/media": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The clip's MP3 or vertical MP4 (Range supported); with ?exp=&sig= (media.mp3Url, mp4Url) no auth header is needed */
        get: operations["getClipMedia"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your feedback, newest first; on one episode or clip when given */
        get: operations["listFeedback"];
        put?: never;
        /** Like, dislike, rate (1–5), report or comment on one of your episodes or clips; clip likes and ratings teach your clip scorer for the clip's platform */
        post: operations["giveFeedback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your jobs, newest first */
        get: operations["listJobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One job */
        get: operations["getJob"];
        put?: never;
        post?: never;
        /** Cancel a job */
        delete: operations["cancelJob"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What happened to a job: its events, stage attempts (durations, artifacts) and webhook deliveries */
        get: operations["getJobHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live progress (Server-Sent Events) */
        get: operations["streamJobEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jobs/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Retry a failed or cancelled job from its first unfinished stage */
        post: operations["retryJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search jobs across users */
        get: operations["searchJobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/active-jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What runs now: jobs queued or running, oldest first, with their age and idle time */
        get: operations["listActiveJobs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/admin/failures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Top error codes by stage and provider over a window, with an example job each */
        get: operations["listFailures"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/queue/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Each queue: waiting, prioritized, active, delayed, failed; finished per minute over the last hour; the oldest waiting job */
        get: operations["getQueueStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Job statistics, queue counts, cache hit rate, pre-generation runs, cost per user per day, time to first audio, daily history, feedback (ratings, likes and dislikes per clip platform and feature) */
        get: operations["getStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/feeds/{token}.xml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your private podcast feed (RSS 2.0, iTunes and Podcasting 2.0 tags); the token is in GET /v1/me feedUrl */
        get: operations["getFeed"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/feeds/{token}/cover.{extension}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The show's square cover (itunes:image), generated or uploaded */
        get: operations["getFeedCover"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cron/pregenerate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pre-generate every due user's daily/weekly episode now (for an external scheduler) */
        post: operations["runPregeneration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/samples/feed.xml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The bundled sample RSS feed (the demo episode's rss source) */
        get: operations["getSampleFeed"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Redis, PostgreSQL and storage reachability */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (podfleet_*) */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document */
        get: operations["getOpenApiDocument"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An API reference with examples and "try it" (Swagger UI) */
        get: operations["getApiReference"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/queues": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Bull Board over every queue */
        get: operations["getBullBoard"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ProgressEvent: {
            jobId: string;
            /** @enum {string} */
            status: "queued" | "running";
            /** @enum {string|null} */
            phase: "scrape" | "script" | "audio" | "upload" | "clips" | null;
            progress: number;
            currentStep: string | null;
        };
        CreatedUser: components["schemas"]["CreatedKey"] & {
            user: components["schemas"]["User"];
        };
        ApiKey: {
            id: string;
            name: string | null;
            /** @description First characters of the key, to tell keys apart */
            prefix: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            lastUsedAt: string | null;
        };
        User: {
            id: string;
            email: string;
            name: string | null;
            timezone: string;
            dailyEnabled: boolean;
            weeklyEnabled: boolean;
            /** @enum {string} */
            pregenerateTier: "full" | "partial" | "none";
            /** @description Your own storage limit in bytes: 0 unlimited, null the fleet default */
            storageQuotaBytes: number | null;
            /** @description Episode requests with priority "high" the user may make per UTC day; 0 (the default): none, such a request answers 403 */
            highPriorityPerDay: number;
            sources: unknown[];
            style: {
                [key: string]: unknown;
            } | null;
            webhookUrl: string | null;
            episodesGenerated: number;
            listens: number;
            /** Format: date-time */
            createdAt: string;
        };
        CreatedKey: {
            /** @description The key itself (pf_…). Shown once; only its hash is stored. */
            apiKey: string;
            key: components["schemas"]["ApiKey"];
        };
        Problem: {
            type: string;
            title: string;
            status: number;
            detail: string;
            instance?: string;
            requestId?: string;
            errors?: {
                path: string;
                message: string;
                code?: string;
            }[];
        };
        CreateUserRequest: {
            /** Format: email */
            email: string;
            name?: string;
            timezone?: string;
            dailyEnabled?: boolean;
            weeklyEnabled?: boolean;
            sources?: ({
                /** @enum {string} */
                kind: "text";
                title: string;
                text: string;
            } | {
                /** @enum {string} */
                kind: "url";
                /** Format: uri */
                url: string;
            } | {
                /** @enum {string} */
                kind: "rss";
                /** Format: uri */
                url: string;
                /** @default 5 */
                maxItems: number;
            } | {
                /** @enum {string} */
                kind: "congress";
                congress: number;
                /** @enum {string} */
                billType: "hr" | "s" | "hjres" | "sjres" | "hconres" | "sconres" | "hres" | "sres";
                billNumber: number;
            } | {
                /** @enum {string} */
                kind: "congress";
                recent: number;
            })[];
            style?: {
                hosts?: {
                    name: string;
                    voice?: string;
                }[];
                targetMinutes?: number;
                tone?: string;
                language?: string;
            };
            /** Format: uri */
            webhookUrl?: string;
            /**
             * @description What the nightly run prepares of the daily/weekly episode: all of it, the script only (audio is made on request), or nothing
             * @enum {string}
             */
            pregenerateTier?: "full" | "partial" | "none";
            /** @description Bytes the user's episodes may take: 0 unlimited, null the fleet default (USER_STORAGE_QUOTA_BYTES) */
            storageQuotaBytes?: number | null;
        };
        AdminUser: {
            user: components["schemas"]["User"];
            storage: {
                /** @description Bytes of the user's stored episodes */
                usedBytes: number;
                /** @description The limit in force: their own or the default; 0 unlimited */
                quotaBytes: number;
                /** @description New episodes are refused (409) until older ones expire */
                exceeded: boolean;
            };
        };
        UpdateUserRequest: {
            /**
             * @description What the nightly run prepares of the daily/weekly episode: all of it, the script only (audio is made on request), or nothing
             * @enum {string}
             */
            pregenerateTier?: "full" | "partial" | "none";
            /** @description Bytes the user's episodes may take: 0 unlimited, null the fleet default (USER_STORAGE_QUOTA_BYTES) */
            storageQuotaBytes?: number | null;
            /** @description Episode requests with priority "high" the user may make per UTC day; 0 (the default): none, such a request answers 403 */
            highPriorityPerDay?: number;
        };
        UserPage: {
            items: components["schemas"]["User"][];
            nextCursor: string | null;
        };
        Me: {
            user: components["schemas"]["User"];
            /** @description Private podcast feed; rotate it with POST /v1/me/feed-token */
            feedUrl: string;
            /** @description Verifies X-Podfleet-Signature of your webhook deliveries */
            webhookSecret: string;
        };
        UpdateMeRequest: {
            name?: string | null;
            timezone?: string;
            dailyEnabled?: boolean;
            weeklyEnabled?: boolean;
            sources?: ({
                /** @enum {string} */
                kind: "text";
                title: string;
                text: string;
            } | {
                /** @enum {string} */
                kind: "url";
                /** Format: uri */
                url: string;
            } | {
                /** @enum {string} */
                kind: "rss";
                /** Format: uri */
                url: string;
                /** @default 5 */
                maxItems: number;
            } | {
                /** @enum {string} */
                kind: "congress";
                congress: number;
                /** @enum {string} */
                billType: "hr" | "s" | "hjres" | "sjres" | "hconres" | "sconres" | "hres" | "sres";
                billNumber: number;
            } | {
                /** @enum {string} */
                kind: "congress";
                recent: number;
            })[];
            style?: {
                hosts?: {
                    name: string;
                    voice?: string;
                }[];
                targetMinutes?: number;
                tone?: string;
                language?: string;
            } | null;
            /** Format: uri */
            webhookUrl?: string | null;
        };
        PodcastShow: {
            title: string;
            description: string;
            /** @description itunes:author, and the name of itunes:owner */
            author: string;
            /** @description itunes:owner e-mail and podcast:locked owner; null: none published */
            ownerEmail: string | null;
            language: string;
            /** @description Apple Podcasts category (itunes:category) */
            category: string;
            subcategory: string | null;
            explicit: boolean;
            /** @description Background of the generated cover, #rrggbb */
            color: string;
            /** @description podcast:guid (UUIDv5), the same for the life of the show */
            guid: string;
            cover: {
                /** @description The cover as the feed links it; changes with the image */
                url: string;
                /** @enum {string} */
                mimeType: "image/png" | "image/jpeg";
                /** @description false: drawn from the title and colour */
                uploaded: boolean;
            };
            feedUrl: string;
        };
        UpdatePodcastShowRequest: {
            title?: string | null;
            description?: string | null;
            author?: string | null;
            /** Format: email */
            ownerEmail?: string | null;
            language?: string | null;
            /** @enum {string|null} */
            category?: "Arts" | "Business" | "Comedy" | "Education" | "Fiction" | "Government" | "History" | "Health & Fitness" | "Kids & Family" | "Leisure" | "Music" | "News" | "Religion & Spirituality" | "Science" | "Society & Culture" | "Sports" | "Technology" | "True Crime" | "TV & Film" | null;
            subcategory?: string | null;
            explicit?: boolean;
            color?: string | null;
        };
        CreateKeyRequest: {
            name?: string;
        };
        CachedEpisode: {
            /** @enum {boolean} */
            cached: true;
            /** @enum {string} */
            source: "cache";
            episode: components["schemas"]["Episode"];
        };
        Episode: {
            id: string;
            jobId: string;
            /**
             * @description upload: made from an uploaded audio file
             * @enum {string}
             */
            type: "daily" | "weekly" | "custom" | "upload";
            title: string;
            description: string;
            /** @description Signed, expiring URL: plays without an Authorization header */
            audioUrl: string;
            transcriptUrl: string;
            durationSec: number;
            sizeBytes: number;
            mimeType: string;
            chapters: {
                title: string;
                startSec: number;
            }[];
            sources: {
                kind: string;
                title: string;
                url: string | null;
            }[];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            expiresAt: string | null;
        };
        JobTicket: {
            jobId: string;
            /** @enum {string} */
            status: "queued" | "running" | "completed" | "failed" | "cancelled";
            pollUrl: string;
            eventsUrl: string;
            /** @description An earlier job answers this request */
            deduplicated: boolean;
        };
        EpisodeRequest: {
            /**
             * @default custom
             * @enum {string}
             */
            type: "daily" | "weekly" | "custom";
            sources?: ({
                /** @enum {string} */
                kind: "text";
                title: string;
                text: string;
            } | {
                /** @enum {string} */
                kind: "url";
                /** Format: uri */
                url: string;
            } | {
                /** @enum {string} */
                kind: "rss";
                /** Format: uri */
                url: string;
                /** @default 5 */
                maxItems: number;
            } | {
                /** @enum {string} */
                kind: "congress";
                congress: number;
                /** @enum {string} */
                billType: "hr" | "s" | "hjres" | "sjres" | "hconres" | "sconres" | "hres" | "sres";
                billNumber: number;
            } | {
                /** @enum {string} */
                kind: "congress";
                recent: number;
            })[];
            style?: {
                hosts?: {
                    name: string;
                    voice?: string;
                }[];
                targetMinutes?: number;
                tone?: string;
                language?: string;
            };
            /** @default false */
            forceRegenerate: boolean;
            /**
             * @default normal
             * @enum {string}
             */
            priority: "high" | "normal" | "low";
            /** Format: uri */
            webhookUrl?: string;
        };
        UploadForm: {
            /**
             * Format: binary
             * @description The audio: MP3, M4A/AAC, WAV, FLAC or Ogg, recognised by its bytes (never its name); at most UPLOAD_MAX_BYTES (500 MB by default)
             */
            audio: string;
            /**
             * Format: binary
             * @description Its transcript, timings as they are: WebVTT, SRT or podfleet JSON ({segments: [{speaker, text, start, end}], chapters?: [{title, startSec}]} or the bare array); at most 5 MB
             */
            transcript?: string;
            /** @description The episode's title */
            title: string;
        };
        /** @description The fleet's TTS engine and its voices: an id is what style.hosts[].voice takes; pattern, when present, accepts more ids (espeak: a language, a variant and a pitch); languages are what style.language may name (any, when anyLanguage) */
        VoiceList: {
            engine: string;
            voices: {
                id: string;
                name: string;
                languages: string[];
            }[];
            languages: string[];
            anyLanguage?: boolean;
            languagesByVoice?: boolean;
            defaults: string[];
            pattern?: {
                regex: string;
                example: string;
            };
            /** @description The script writer and the languages it writes (null: any), once a scraper worker has published them; style.language must be one it writes and one the engine speaks */
            writer?: {
                /** @enum {string} */
                provider: "local" | "anthropic" | "openai";
                languages: string[] | null;
            };
        };
        EpisodePage: {
            items: components["schemas"]["Episode"][];
            nextCursor: string | null;
        };
        Transcript: {
            episodeId: string;
            segments: {
                speaker: string;
                text: string;
                start: number;
                end: number;
            }[];
        };
        ClipList: {
            items: components["schemas"]["Clip"][];
        };
        Clip: {
            id: string;
            episodeId: string;
            /** @enum {string} */
            platform: "tiktok" | "reels" | "shorts" | "x" | "generic";
            /** @description Where the clip starts in the episode's audio */
            startSec: number;
            endSec: number;
            durationSec: number;
            /** @description 0–1: the weighted features over the weights */
            score: number;
            /**
             * @description high ≥ 0.7, medium ≥ 0.5
             * @enum {string}
             */
            confidence: "high" | "medium" | "low";
            /** @description Its first sentence, at most 80 characters */
            title: string;
            text: string;
            /** @description Why it scored so: per feature (hook, completeThought, speakerTurns, energy, topic, lengthFit) its value, weight and contribution; hook also names its kind */
            features: {
                [key: string]: unknown;
            };
            media: {
                /** @description Signed, expiring; null when not rendered as MP3 */
                mp3Url: string | null;
                /** @description Signed, expiring; null when not rendered as MP4 */
                mp4Url: string | null;
            };
            /** Format: date-time */
            createdAt: string;
        };
        ClipRequest: {
            /**
             * @default generic
             * @enum {string}
             */
            platform: "tiktok" | "reels" | "shorts" | "x" | "generic";
            /** @default 3 */
            count: number;
            minSec?: number;
            maxSec?: number;
            /**
             * @default [
             *       "mp3",
             *       "mp4"
             *     ]
             */
            formats: ("mp3" | "mp4")[];
        };
        Feedback: {
            id: string;
            /** @enum {string} */
            type: "like" | "dislike" | "rating" | "report" | "comment";
            episodeId: string | null;
            /** @description null once the clip is deleted */
            clipId: string | null;
            /**
             * @description The clip's platform; null for feedback on an episode alone
             * @enum {string|null}
             */
            platform: "tiktok" | "reels" | "shorts" | "x" | "generic" | null;
            rating: number | null;
            comment: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        /** @description At least one of episodeId and clipId; given both, the clip must be of that episode */
        FeedbackRequest: {
            episodeId?: string;
            /** @description The clip's episode and platform are recorded with the feedback */
            clipId?: string;
            /** @enum {string} */
            type: "like" | "dislike" | "rating" | "report" | "comment";
            /** @description 1–5: required for a rating, refused with any other type */
            rating?: number;
            /** @description Required (not blank) for a comment; optional with any other type */
            comment?: string;
        };
        FeedbackPage: {
            items: components["schemas"]["Feedback"][];
            nextCursor: string | null;
        };
        JobPage: {
            items: components["schemas"]["Job"][];
            nextCursor: string | null;
        };
        Job: {
            id: string;
            /** @enum {string} */
            type: "daily" | "weekly" | "custom" | "clips" | "upload";
            /** @enum {string} */
            status: "queued" | "running" | "completed" | "failed" | "cancelled";
            /** @enum {string|null} */
            phase: "scrape" | "script" | "audio" | "upload" | "clips" | null;
            progress: number;
            currentStep: string | null;
            attempts: number;
            maxAttempts: number;
            /** @enum {string} */
            priority: "high" | "normal" | "low";
            error: {
                code: string;
                message: string;
            } | null;
            episodeId: string | null;
            costUsd: number;
            wordCount: number | null;
            providers: {
                script?: string;
                tts?: string;
                /** @description Upload jobs: where the transcript came from (uploaded, none) */
                transcript?: string;
            };
            pregenerated: boolean;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            startedAt: string | null;
            /** Format: date-time */
            completedAt: string | null;
        };
        JobHistory: {
            job: components["schemas"]["Job"];
            /** @description Oldest first, at most 1000 */
            events: {
                /** @description Orders the events (the SSE stream resumes from it) */
                id: string;
                /** @description created, stage_started, stage_completed, stage_failed, completed, failed, cancelled, retried, reconciled, … */
                type: string;
                data: {
                    [key: string]: unknown;
                };
                /** Format: date-time */
                createdAt: string;
            }[];
            /** @description More than 1000 events: the newest are left out */
            eventsTruncated: boolean;
            stages: {
                /** @enum {string} */
                stage: "scrape" | "script" | "audio" | "upload" | "clips";
                /** @enum {string} */
                status: "pending" | "running" | "completed" | "failed" | "skipped";
                /** @description Attempts in the current run */
                attempts: number;
                /** Format: date-time */
                startedAt: string | null;
                /** Format: date-time */
                finishedAt: string | null;
                durationMs: number | null;
                /** @description The stored result a retry resumes from */
                artifact: {
                    key: string;
                    checksum: string | null;
                } | null;
                error: {
                    code: string;
                    message: string;
                } | null;
            }[];
            webhookDeliveries: {
                id: string;
                event: string;
                url: string;
                attempt: number;
                /** @description The receiver's answer; null: none */
                statusCode: number | null;
                error: string | null;
                durationMs: number | null;
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                deliveredAt: string | null;
            }[];
        };
        AdminJobPage: {
            items: components["schemas"]["AdminJob"][];
            nextCursor: string | null;
        };
        AdminJob: components["schemas"]["Job"] & {
            userId: string;
            userEmail: string;
            /** @description GET it for the events, stage attempts and webhook deliveries */
            historyUrl: string;
        };
        ActiveJobs: {
            /** @description Jobs queued or running now */
            total: number;
            items: {
                jobId: string;
                userId: string;
                userEmail: string;
                /** @enum {string} */
                type: "daily" | "weekly" | "custom" | "clips" | "upload";
                /** @enum {string} */
                status: "queued" | "running";
                /** @enum {string|null} */
                phase: "scrape" | "script" | "audio" | "upload" | "clips" | null;
                progress: number;
                currentStep: string | null;
                /** @enum {string} */
                priority: "high" | "normal" | "low";
                pregenerated: boolean;
                run: number;
                attempts: number;
                /** Format: date-time */
                createdAt: string;
                /** Format: date-time */
                startedAt: string | null;
                /** @description Since the job was created */
                ageSec: number;
                /** @description Since its row last changed: a stuck job grows it */
                idleSec: number;
                historyUrl: string;
            }[];
        };
        Failures: {
            /** Format: date-time */
            since: string;
            items: {
                stage: string;
                code: string;
                /** @description Script writer, TTS engine or storage driver; for scrape the kinds of the sources */
                provider: string | null;
                /** @description Failed stage attempts in the window */
                attempts: number;
                jobs: number;
                /** @description Of those jobs, how many ended failed with this code */
                jobsFailed: number;
                /** Format: date-time */
                lastAt: string;
                example: {
                    jobId: string;
                    message: string;
                    historyUrl: string;
                };
            }[];
        };
        QueueStats: {
            /** Format: date-time */
            at: string;
            queues: {
                scrape?: {
                    waiting: number;
                    prioritized: number;
                    active: number;
                    delayed: number;
                    /** @description Failed for good, still kept in Redis */
                    failed: number;
                    completedLastHour: number;
                    /** @description completedLastHour / 60 */
                    completedPerMinute: number;
                    /** @description Failed for good in the last hour */
                    failedLastHour: number;
                    /** @description How long the job waiting longest has waited; a stage queue counts from when the job was enqueued or its previous stage finished */
                    oldestWaitingSec: number;
                };
                script?: {
                    waiting: number;
                    prioritized: number;
                    active: number;
                    delayed: number;
                    /** @description Failed for good, still kept in Redis */
                    failed: number;
                    completedLastHour: number;
                    /** @description completedLastHour / 60 */
                    completedPerMinute: number;
                    /** @description Failed for good in the last hour */
                    failedLastHour: number;
                    /** @description How long the job waiting longest has waited; a stage queue counts from when the job was enqueued or its previous stage finished */
                    oldestWaitingSec: number;
                };
                audio?: {
                    waiting: number;
                    prioritized: number;
                    active: number;
                    delayed: number;
                    /** @description Failed for good, still kept in Redis */
                    failed: number;
                    completedLastHour: number;
                    /** @description completedLastHour / 60 */
                    completedPerMinute: number;
                    /** @description Failed for good in the last hour */
                    failedLastHour: number;
                    /** @description How long the job waiting longest has waited; a stage queue counts from when the job was enqueued or its previous stage finished */
                    oldestWaitingSec: number;
                };
                upload?: {
                    waiting: number;
                    prioritized: number;
                    active: number;
                    delayed: number;
                    /** @description Failed for good, still kept in Redis */
                    failed: number;
                    completedLastHour: number;
                    /** @description completedLastHour / 60 */
                    completedPerMinute: number;
                    /** @description Failed for good in the last hour */
                    failedLastHour: number;
                    /** @description How long the job waiting longest has waited; a stage queue counts from when the job was enqueued or its previous stage finished */
                    oldestWaitingSec: number;
                };
                clips?: {
                    waiting: number;
                    prioritized: number;
                    active: number;
                    delayed: number;
                    /** @description Failed for good, still kept in Redis */
                    failed: number;
                    completedLastHour: number;
                    /** @description completedLastHour / 60 */
                    completedPerMinute: number;
                    /** @description Failed for good in the last hour */
                    failedLastHour: number;
                    /** @description How long the job waiting longest has waited; a stage queue counts from when the job was enqueued or its previous stage finished */
                    oldestWaitingSec: number;
                };
                webhooks?: {
                    waiting: number;
                    prioritized: number;
                    active: number;
                    delayed: number;
                    /** @description Failed for good, still kept in Redis */
                    failed: number;
                    completedLastHour: number;
                    /** @description completedLastHour / 60 */
                    completedPerMinute: number;
                    /** @description Failed for good in the last hour */
                    failedLastHour: number;
                    /** @description How long the job waiting longest has waited; a stage queue counts from when the job was enqueued or its previous stage finished */
                    oldestWaitingSec: number;
                };
                pregenerate?: {
                    waiting: number;
                    prioritized: number;
                    active: number;
                    delayed: number;
                    /** @description Failed for good, still kept in Redis */
                    failed: number;
                    completedLastHour: number;
                    /** @description completedLastHour / 60 */
                    completedPerMinute: number;
                    /** @description Failed for good in the last hour */
                    failedLastHour: number;
                    /** @description How long the job waiting longest has waited; a stage queue counts from when the job was enqueued or its previous stage finished */
                    oldestWaitingSec: number;
                };
                maintenance?: {
                    waiting: number;
                    prioritized: number;
                    active: number;
                    delayed: number;
                    /** @description Failed for good, still kept in Redis */
                    failed: number;
                    completedLastHour: number;
                    /** @description completedLastHour / 60 */
                    completedPerMinute: number;
                    /** @description Failed for good in the last hour */
                    failedLastHour: number;
                    /** @description How long the job waiting longest has waited; a stage queue counts from when the job was enqueued or its previous stage finished */
                    oldestWaitingSec: number;
                };
            };
        };
        Stats: {
            periods: {
                period: string;
                /** Format: date-time */
                since: string | null;
                jobs: {
                    total: number;
                    queued: number;
                    running: number;
                    completed: number;
                    failed: number;
                    cancelled: number;
                };
                successRate: number | null;
                costUsd: number;
                durationMs: {
                    avg: number | null;
                    p50: number | null;
                    p95: number | null;
                };
                stages: {
                    [key: string]: {
                        count: number;
                        avgMs: number | null;
                        p50Ms: number | null;
                        p95Ms: number | null;
                    };
                };
            }[];
            queues: {
                [key: string]: {
                    [key: string]: number;
                };
            };
            /** @description Daily/weekly episode cache, fleet-wide */
            cache: {
                /** @description Answered from Redis */
                hits: number;
                /** @description Answered from the database after the key was gone (key re-warmed) */
                fallbacks: number;
                misses: number;
                /** @description (hits + fallbacks) / lookups */
                hitRate: number | null;
            };
            pregeneration: {
                lastRun: components["schemas"]["StoredPregenerationRun"];
                /** @description The last runs (up to 10) added up: decisions, `successful` = jobs submitted */
                recent: {
                    runs: number;
                    total: number;
                    successful: number;
                    failed: number;
                    skipped: number;
                    deferred: number;
                };
                /** @description Newest first */
                runs: components["schemas"]["StoredPregenerationRun"][];
                /** @description What became of the pre-generated jobs created in the last 24 h */
                outcomes: {
                    /** Format: date-time */
                    since: string;
                    jobs: number;
                    completed: number;
                    failed: number;
                    cancelled: number;
                    /** @description Still queued or running */
                    inFlight: number;
                    /** @description completed / (completed + failed) */
                    successRate: number | null;
                };
            };
            /** @description Estimated provider cost of one user on one UTC day, over the last 7 days */
            costPerUserPerDay: {
                /** Format: date-time */
                since: string;
                userDays: number;
                avgUsd: number | null;
                maxUsd: number | null;
                days: {
                    day: string;
                    users: number;
                    jobs: number;
                    costUsd: number;
                    avgUsdPerUser: number;
                }[];
            };
            /** @description From an episode request to an audio URL, over the requests of the last 24 h whose audio exists: a cache hit is its answer time, a new or joined job runs until it completes */
            timeToFirstAudio: {
                /** Format: date-time */
                since: string;
                count: number;
                p50Ms: number | null;
                p95Ms: number | null;
                avgMs: number | null;
                bySource: {
                    cache?: {
                        count: number;
                        p50Ms: number | null;
                        p95Ms: number | null;
                    };
                    generated?: {
                        count: number;
                        p50Ms: number | null;
                        p95Ms: number | null;
                    };
                    joined?: {
                        count: number;
                        p50Ms: number | null;
                        p95Ms: number | null;
                    };
                };
            };
            /** @description Per UTC day (jobs by the day they were created), days without any left out */
            history: {
                /** @description First UTC day (yyyy-mm-dd) */
                since: string;
                days: {
                    day: string;
                    jobs: number;
                    completed: number;
                    failed: number;
                    cancelled: number;
                    pregeneratedCompleted: number;
                    pregeneratedFailed: number;
                    costUsd: number;
                    jobP50Ms: number | null;
                    jobP95Ms: number | null;
                    /** @description Episode requests whose audio URL exists */
                    requests: number;
                    firstAudioP50Ms: number | null;
                    firstAudioP95Ms: number | null;
                    /** @description From job_daily_stats: the day's rows were deleted (JOB_RETENTION_DAYS) */
                    rolledUp: boolean;
                }[];
            };
            feedback: components["schemas"]["FeedbackStats"];
        };
        StoredPregenerationRun: components["schemas"]["PregenerationRun"] & ({
            /** @description errors[] keeps the first 5 */
            errorCount: number;
        } | null);
        PregenerationRun: {
            /**
             * @description `all`: every due user (cron endpoint)
             * @enum {string}
             */
            mode: "scheduled" | "all";
            /**
             * Format: date-time
             * @description The clock of the run
             */
            at: string;
            /** @description successful + failed + skipped + deferred */
            total: number;
            /** @description Jobs enqueued (low priority) */
            successful: number;
            failed: number;
            skipped: number;
            /** @description Targets handed to a background job: the fleet already had a batch in flight */
            deferred: number;
            /** @description disabled, not-local-hour, no-sources, inactive, over-quota, already-generated */
            skippedByReason: {
                [key: string]: number;
            };
            errors: {
                userId: string;
                /** @enum {string} */
                kind: "daily" | "weekly";
                message: string;
            }[];
            durationMs: number;
        };
        FeedbackStats: {
            /**
             * Format: date-time
             * @description Feedback given since the start of the first history day
             */
            since: string;
            all: components["schemas"]["FeedbackCounts"];
            episodes: components["schemas"]["FeedbackCounts"] & unknown;
            /** @description Feedback on clips, by the clip's platform (kept after the clip is deleted) */
            platforms: {
                tiktok?: components["schemas"]["FeedbackCounts"];
                reels?: components["schemas"]["FeedbackCounts"];
                shorts?: components["schemas"]["FeedbackCounts"];
                x?: components["schemas"]["FeedbackCounts"];
                generic?: components["schemas"]["FeedbackCounts"];
            };
            /** @description Feedback on clips still stored, by what the clip had: hookQuestion/hookNumber/hookClaim the hook of that kind; any other feature a value above 0.5 (what a like raises the feature's weight for) */
            features: {
                hookQuestion?: components["schemas"]["FeedbackCounts"];
                hookNumber?: components["schemas"]["FeedbackCounts"];
                hookClaim?: components["schemas"]["FeedbackCounts"];
                completeThought?: components["schemas"]["FeedbackCounts"];
                speakerTurns?: components["schemas"]["FeedbackCounts"];
                energy?: components["schemas"]["FeedbackCounts"];
                topic?: components["schemas"]["FeedbackCounts"];
                lengthFit?: components["schemas"]["FeedbackCounts"];
            };
        };
        FeedbackCounts: {
            likes: number;
            dislikes: number;
            reports: number;
            comments: number;
            ratings: {
                count: number;
                /** @description 1–5; null without ratings */
                average: number | null;
            };
        };
        Health: {
            /** @enum {string} */
            status: "ok";
            /** @enum {string} */
            redis: "ok";
            /** @enum {string} */
            db: "ok";
            /**
             * @description The probe object (health/probe.txt) reads back
             * @enum {string}
             */
            storage: "ok";
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listUsers: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                /** @description Part of the e-mail, any case */
                q?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of users */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserPage"];
                };
            };
            /** @description Invalid query */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A user key: this route needs the admin key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateUserRequest"];
            };
        };
        responses: {
            /** @description The user and their API key (shown once) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedUser"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A user key: this route needs the admin key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A user with this email exists */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than 1 MB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is invalid (errors[] names each field) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The user */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminUser"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A user key: this route needs the admin key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateUserRequest"];
            };
        };
        responses: {
            /** @description The user, updated */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminUser"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A user key: this route needs the admin key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than 1 MB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is invalid (errors[] names each field) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listUserKeys: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Keys (without secrets) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ApiKey"][];
                    };
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A user key: this route needs the admin key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeUserKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
                /** @description The key id (GET …/keys) */
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A user key: this route needs the admin key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such active key of this user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description You */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateMeRequest"];
            };
        };
        responses: {
            /** @description You, updated */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than 1 MB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is invalid (errors[] names each field) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotateFeedToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description You, with a new feed URL */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getPodcastShow: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Your show */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PodcastShow"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updatePodcastShow: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdatePodcastShowRequest"];
            };
        };
        responses: {
            /** @description Your show, updated (a generated cover is redrawn) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PodcastShow"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than 1 MB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is invalid (errors[] names each field) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    uploadPodcastCover: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "image/png": string;
                "image/jpeg": string;
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description Your show, with the uploaded cover */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PodcastShow"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than 1 MB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not sent as image/png, image/jpeg or application/octet-stream */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not an acceptable cover: errors[] says why (type, size, not square, truncated) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deletePodcastCover: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Your show, with the generated cover */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PodcastShow"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Keys (without secrets) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ApiKey"][];
                    };
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateKeyRequest"];
            };
        };
        responses: {
            /** @description The key (shown once) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedKey"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description You hold USER_MAX_API_KEYS active keys: revoke one first */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than 1 MB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is invalid (errors[] names each field) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such key of yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEpisodes: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of episodes */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EpisodePage"];
                };
            };
            /** @description Invalid cursor or limit */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    requestEpisode: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key within 24 h: the first answer again */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EpisodeRequest"];
            };
        };
        responses: {
            /** @description Daily/weekly: today's (this ISO week's) episode, from the cache; no job is made */
            200: {
                headers: {
                    /** @description Daily/weekly only. hit: from Redis; fallback: from the database (the key was gone, now re-warmed); miss: a job was made or joined; bypass: forceRegenerate */
                    "X-Podfleet-Cache"?: "hit" | "fallback" | "miss" | "bypass";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CachedEpisode"];
                };
            };
            /** @description Job ticket: poll pollUrl or follow eventsUrl. deduplicated: an in-flight job of the same day (or the same Idempotency-Key) answers */
            202: {
                headers: {
                    /** @description Daily/weekly only. hit: from Redis; fallback: from the database (the key was gone, now re-warmed); miss: a job was made or joined; bypass: forceRegenerate */
                    "X-Podfleet-Cache"?: "hit" | "fallback" | "miss" | "bypass";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobTicket"];
                };
            };
            /** @description Malformed JSON or Idempotency-Key */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description priority "high" without the allowance the admin grants, or past today's (type urn:podfleet:problem:priority-not-allowed; highPriorityPerDay member), or the admin key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Storage quota exceeded (type urn:podfleet:problem:quota-exceeded; usedBytes and quotaBytes members) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than 1 MB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is invalid (errors[] names each field) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests this minute (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or Redis down (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    uploadEpisode: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["UploadForm"];
            };
        };
        responses: {
            /** @description Job ticket: poll pollUrl or follow eventsUrl (deduplicated is always false) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobTicket"];
                };
            };
            /** @description The form cannot be read: cut short, or not multipart/form-data with a boundary */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Storage quota exceeded (type urn:podfleet:problem:quota-exceeded; usedBytes and quotaBytes members) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The audio is over UPLOAD_MAX_BYTES (or the transcript over 5 MB): refused from Content-Length before a byte is stored, or once the limit is reached; nothing is kept */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not multipart/form-data, or the audio's bytes are not MP3, M4A/AAC, WAV, FLAC or Ogg (the detail names what they are) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No audio file or no title (errors[] names the field), or the transcript cannot be read (type urn:podfleet:problem:invalid-transcript; the detail names the line) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many uploads this minute (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or Redis down (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listVoices: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The engine, its voices, languages and default voices */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VoiceList"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No audio worker has published its voices yet (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getEpisode: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The episode */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Episode"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getEpisodeAudio: {
        parameters: {
            query?: {
                exp?: string;
                sig?: string;
            };
            header?: {
                Range?: string;
            };
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The whole file */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "audio/mpeg": string;
                };
            };
            /** @description Partial content (Content-Range) */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Redirect to a presigned object-storage URL (s3 driver) */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Signature invalid or expired */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Range not satisfiable */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    headEpisodeAudio: {
        parameters: {
            query?: {
                exp?: string;
                sig?: string;
            };
            header?: {
                Range?: string;
            };
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Content-Length is the whole size */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Partial content (Content-Range) */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Redirect to a presigned object-storage URL (s3 driver) */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Signature invalid or expired */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Range not satisfiable */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getEpisodeTranscript: {
        parameters: {
            query?: {
                format?: "json" | "podcast-json" | "vtt" | "srt" | "txt";
                exp?: string;
                sig?: string;
            };
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description json: {episodeId, segments}; podcast-json: the Podcasting 2.0 JSON transcript {version, segments: [{speaker, startTime, endTime, body}]}; vtt: WebVTT; srt: SubRip; txt: one line per turn */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Transcript"];
                    "text/vtt": string;
                    "application/x-subrip": string;
                    "text/plain": string;
                };
            };
            /** @description format is not json, podcast-json, vtt, srt or txt */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Signature invalid or expired */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getEpisodeChapters: {
        parameters: {
            query?: {
                exp?: string;
                sig?: string;
            };
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description {version: "1.2.0", chapters: [{startTime, title}]} */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json+chapters": {
                        version: string;
                        chapters: {
                            startTime: number;
                            title: string;
                        }[];
                    };
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Signature invalid or expired */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    recordListen: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Recorded */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEpisodeClips: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Its clips */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClipList"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Episode not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    requestClips: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ClipRequest"];
            };
        };
        responses: {
            /** @description The same request (episode and normalised parameters) was already served: its clips */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClipList"];
                };
            };
            /** @description A clips job was made (or one in flight for the same request answers) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobTicket"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Episode not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A transcript is needed: the episode has no timed transcript */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than 1 MB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is invalid, or no clip of the asked length fits the episode (type episode-too-short) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getClip: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The clip */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Clip"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteClip: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getClipMedia: {
        parameters: {
            query: {
                format: "mp3" | "mp4";
                exp?: string;
                sig?: string;
            };
            header?: {
                Range?: string;
            };
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The whole file */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "audio/mpeg": string;
                    "video/mp4": string;
                };
            };
            /** @description Partial content (Content-Range) */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Redirect to a presigned object-storage URL (s3 driver) */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description format is not mp3 or mp4 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Signature invalid or expired */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, not yours, or not rendered in that format */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Range not satisfiable */
            416: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listFeedback: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                episodeId?: string;
                clipId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of feedback */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FeedbackPage"];
                };
            };
            /** @description Invalid query */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    giveFeedback: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FeedbackRequest"];
            };
        };
        responses: {
            /** @description The feedback, stored (a clip: its episode and platform filled in) */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Feedback"];
                };
            };
            /** @description Malformed JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The admin key: this route needs a user key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The episode or clip is not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body larger than 1 MB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is invalid (errors[] names each field): no episodeId or clipId, a rating missing or where it does not belong, a comment without text or over 2000 characters, a clip of another episode */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description More than USER_FEEDBACK_PER_MINUTE this minute (Retry-After) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listJobs: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                status?: "queued" | "running" | "completed" | "failed" | "cancelled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of jobs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobPage"];
                };
            };
            /** @description Invalid query */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cancelled job */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Already finished */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getJobHistory: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The history */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobHistory"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamJobEvents: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `progress` events (data: ProgressEvent; their id names the state), then one `completed`, `failed` or `cancelled` event (data: Job, id `end`), then the stream ends. Comments every 15 s keep it alive. A stream lasts at most SSE_MAX_STREAM_SEC: the client reconnects with Last-Event-ID and is not sent the state it has again. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Reconnect after the end event (Last-Event-ID: end): nothing more to send */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description USER_MAX_STREAMS streams of yours are open (every replica), or this replica holds MAX_STREAMS, or too many failed authentications: Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis is unavailable: this replica cannot hear the job's events (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    retryJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Resource id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The re-queued job */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Job"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found or not yours */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not failed or cancelled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    searchJobs: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: number;
                userId?: string;
                status?: "queued" | "running" | "completed" | "failed" | "cancelled";
                /** @description Matches job id, user email, error message, episode and source titles */
                q?: string;
                /** @description The error code, exactly (e.g. TTS_FAILED) */
                errorCode?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of jobs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminJobPage"];
                };
            };
            /** @description Invalid query */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A user key: this route needs the admin key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listActiveJobs: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Active jobs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActiveJobs"];
                };
            };
            /** @description Invalid limit */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A user key: this route needs the admin key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listFailures: {
        parameters: {
            query?: {
                hours?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Failure groups, the most frequent first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Failures"];
                };
            };
            /** @description Invalid hours or limit */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A user key: this route needs the admin key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getQueueStats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queue figures */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueueStats"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A user key: this route needs the admin key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getStats: {
        parameters: {
            query?: {
                days?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Statistics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stats"];
                };
            };
            /** @description Invalid days */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A user key: this route needs the admin key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFeed: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Feed token */
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One item per unexpired episode, newest first; enclosure, transcript and chapters URLs are signed (no headers needed) and valid while the episode is listed */
            200: {
                headers: {
                    /** @description Hash of the feed */
                    ETag?: string;
                    /** @description When this feed was first served */
                    "Last-Modified"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/rss+xml": string;
                };
            };
            /** @description Not modified (If-None-Match / If-Modified-Since) */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unknown or rotated token */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFeedCover: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Feed token */
                token: string;
                extension: "png" | "jpg";
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The image (ETag: its SHA-256) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "image/png": string;
                    "image/jpeg": string;
                };
            };
            /** @description Not modified (If-None-Match / If-Modified-Since) */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unknown or rotated token, or the cover is of the other type */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    runPregeneration: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What the run decided for each user */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PregenerationRun"];
                };
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description CRON_SECRET is not set: the endpoint is off */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSampleFeed: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The sample feed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/rss+xml": string;
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description All three answer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Names what is down (redis, db, storage) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: {
                /** @description Only these metrics (repeatable), e.g. podfleet_http_request_duration_seconds: a read that skips the collectors that query PostgreSQL and Redis */
                name?: string | string[];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description A name that is no metric of this registry */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description METRICS_TOKEN is set and was not sent as Authorization: Bearer */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOpenApiDocument: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OpenAPI 3.1 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getApiReference: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description HTML */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getBullBoard: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description HTML (read-only for BULL_BOARD_VIEWERS: actions answer 405) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Missing or invalid credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Bull Board is off: neither BULL_BOARD_USERS nor BULL_BOARD_VIEWERS is set */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE): Retry-After */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unexpected error: the detail names the request id (X-Request-Id), the logs the rest */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Redis or PostgreSQL is unavailable (Retry-After) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
