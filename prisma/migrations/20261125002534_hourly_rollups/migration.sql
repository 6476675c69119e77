-- CreateTable
CREATE TABLE "HourlyInteractionRollup" (
    "accountId" TEXT NOT NULL,
    "hour" TIMESTAMP(0) NOT NULL,
    "segment" TEXT NOT NULL,
    "escalated" BOOLEAN NOT NULL,
    "type" "InteractionType" NOT NULL,
    "automationId" INTEGER,
    "automationVersionId" TEXT,
    "versionId" TEXT,
    "sender" TEXT,
    "interactions" INTEGER NOT NULL,
    "successful" INTEGER NOT NULL,
    "mixed" INTEGER NOT NULL,
    "unsuccessful" INTEGER NOT NULL,
    "ended" INTEGER NOT NULL,
    "durationMs" BIGINT NOT NULL,
    "withSentiment" INTEGER NOT NULL,
    "positive" INTEGER NOT NULL,
    "negative" INTEGER NOT NULL,
    "topics" INTEGER NOT NULL,
    "resolvedTopics" INTEGER NOT NULL,
    "csatResponses" INTEGER NOT NULL,
    "csatPositive" INTEGER NOT NULL,
    "csatNegative" INTEGER NOT NULL,
    "csatSum" INTEGER NOT NULL,
    "inboundMessages" INTEGER NOT NULL,
    "outboundMessages" INTEGER NOT NULL,
    "agentMs" BIGINT NOT NULL,
    "journeys" INTEGER NOT NULL,
    "chatbots" INTEGER NOT NULL,
    "aiAgents" INTEGER NOT NULL,

    CONSTRAINT "HourlyInteractionRollup_pkey" PRIMARY KEY ("accountId","hour","segment","escalated","type")
);

-- CreateTable
CREATE TABLE "HourlyChannelRollup" (
    "accountId" TEXT NOT NULL,
    "hour" TIMESTAMP(0) NOT NULL,
    "segment" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "automationId" INTEGER,
    "automationVersionId" TEXT,
    "versionId" TEXT,
    "sender" TEXT,
    "inbound" INTEGER NOT NULL,
    "outbound" INTEGER NOT NULL,
    "delivered" INTEGER NOT NULL,
    "rejected" INTEGER NOT NULL,
    "undeliverable" INTEGER NOT NULL,
    "expired" INTEGER NOT NULL,
    "pending" INTEGER NOT NULL,
    "pendingExpiresMin" TIMESTAMPTZ(3),
    "pendingExpiresMax" TIMESTAMPTZ(3),

    CONSTRAINT "HourlyChannelRollup_pkey" PRIMARY KEY ("accountId","hour","segment","channel")
);
