-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "InteractionType" AS ENUM ('CONVERSATIONAL', 'NON_CONVERSATIONAL');

-- CreateEnum
CREATE TYPE "AutomationType" AS ENUM ('JOURNEY', 'CHATBOT', 'AI_AGENT');

-- CreateEnum
CREATE TYPE "Outcome" AS ENUM ('SUCCESSFUL', 'MIXED', 'UNSUCCESSFUL');

-- CreateEnum
CREATE TYPE "Sentiment" AS ENUM ('POSITIVE', 'NEUTRAL', 'NEGATIVE');

-- CreateEnum
CREATE TYPE "MessageDirection" AS ENUM ('INBOUND', 'OUTBOUND');

-- CreateEnum
CREATE TYPE "MessageAuthor" AS ENUM ('END_USER', 'BOT', 'AGENT', 'SYSTEM');

-- CreateEnum
CREATE TYPE "MessageStatus" AS ENUM ('PENDING', 'SENT', 'DELIVERED', 'SEEN', 'REJECTED', 'UNDELIVERABLE', 'EXPIRED');

-- CreateEnum
CREATE TYPE "LogLevel" AS ENUM ('INFO', 'WARN', 'ERROR');

-- CreateEnum
CREATE TYPE "StepKind" AS ENUM ('JOURNEY_ELEMENT', 'DIALOG', 'SESSION_START', 'SESSION_END', 'AI_AGENT_TOOL');

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "accountId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "scopes" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("accountId","id")
);

-- CreateTable
CREATE TABLE "Automation" (
    "accountId" TEXT NOT NULL,
    "id" SERIAL NOT NULL,
    "externalId" TEXT NOT NULL,
    "type" "AutomationType" NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Automation_pkey" PRIMARY KEY ("accountId","id")
);

-- CreateTable
CREATE TABLE "AutomationVersion" (
    "accountId" TEXT NOT NULL,
    "automationId" INTEGER NOT NULL,
    "automationVersionId" TEXT NOT NULL,
    "versionId" TEXT,

    CONSTRAINT "AutomationVersion_pkey" PRIMARY KEY ("accountId","automationId","automationVersionId")
);

-- CreateTable
CREATE TABLE "EndUser" (
    "accountId" TEXT NOT NULL,
    "id" SERIAL NOT NULL,
    "externalId" TEXT NOT NULL,

    CONSTRAINT "EndUser_pkey" PRIMARY KEY ("accountId","id")
);

-- CreateTable
CREATE TABLE "Interaction" (
    "accountId" TEXT NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "externalId" TEXT NOT NULL,
    "type" "InteractionType" NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "endedAt" TIMESTAMPTZ(3),
    "automationId" INTEGER,
    "automationVersionId" TEXT,
    "versionId" TEXT,
    "sender" TEXT,
    "channel" TEXT NOT NULL,
    "endUserId" INTEGER NOT NULL,
    "customerProfileId" TEXT,
    "escalatedAt" TIMESTAMPTZ(3),
    "escalationAgentId" TEXT,
    "csatScore" SMALLINT,
    "csatAt" TIMESTAMPTZ(3),
    "hasAnalysis" BOOLEAN NOT NULL DEFAULT false,
    "analysisOutcome" "Outcome",
    "sentiment" "Sentiment",
    "sentimentScore" DOUBLE PRECISION,
    "summary" TEXT,
    "automationType" "AutomationType",
    "outcome" "Outcome",
    "escalated" BOOLEAN NOT NULL,
    "engaged" BOOLEAN NOT NULL,
    "inboundCount" INTEGER NOT NULL,
    "outboundCount" INTEGER NOT NULL,
    "durationSeconds" DOUBLE PRECISION,
    "agentSeconds" DOUBLE PRECISION,
    "topicCount" INTEGER NOT NULL DEFAULT 0,
    "resolvedTopics" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Interaction_pkey" PRIMARY KEY ("accountId","id")
);

-- CreateTable
CREATE TABLE "Message" (
    "accountId" TEXT NOT NULL,
    "interactionId" BIGINT NOT NULL,
    "id" TEXT NOT NULL,
    "direction" "MessageDirection" NOT NULL,
    "author" "MessageAuthor" NOT NULL,
    "channel" TEXT NOT NULL,
    "sentAt" TIMESTAMPTZ(3) NOT NULL,
    "text" TEXT,
    "status" "MessageStatus",
    "statusAt" TIMESTAMPTZ(3),
    "validityHours" SMALLINT NOT NULL DEFAULT 48,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("accountId","interactionId","id")
);

-- CreateTable
CREATE TABLE "InteractionChannel" (
    "accountId" TEXT NOT NULL,
    "interactionId" BIGINT NOT NULL,
    "channel" TEXT NOT NULL,
    "inbound" INTEGER NOT NULL,
    "outbound" INTEGER NOT NULL,
    "delivered" INTEGER NOT NULL,
    "rejected" INTEGER NOT NULL,
    "undeliverable" INTEGER NOT NULL,
    "expired" INTEGER NOT NULL,
    "pending" INTEGER NOT NULL,
    "pendingExpiries" TIMESTAMPTZ(3)[],
    "pendingExpiresMin" TIMESTAMPTZ(3),
    "pendingExpiresMax" TIMESTAMPTZ(3),
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "automationId" INTEGER,
    "automationVersionId" TEXT,
    "versionId" TEXT,
    "sender" TEXT,

    CONSTRAINT "InteractionChannel_pkey" PRIMARY KEY ("accountId","interactionId","channel")
);

-- CreateTable
CREATE TABLE "InteractionLog" (
    "accountId" TEXT NOT NULL,
    "interactionId" BIGINT NOT NULL,
    "seq" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "level" "LogLevel" NOT NULL,
    "message" TEXT NOT NULL,

    CONSTRAINT "InteractionLog_pkey" PRIMARY KEY ("accountId","interactionId","seq")
);

-- CreateTable
CREATE TABLE "InteractionStep" (
    "accountId" TEXT NOT NULL,
    "interactionId" BIGINT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" "StepKind" NOT NULL,
    "name" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "automationId" INTEGER,
    "automationVersionId" TEXT,
    "versionId" TEXT,
    "sender" TEXT,

    CONSTRAINT "InteractionStep_pkey" PRIMARY KEY ("accountId","interactionId","seq")
);

-- CreateTable
CREATE TABLE "InteractionTopic" (
    "accountId" TEXT NOT NULL,
    "interactionId" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "resolved" BOOLEAN NOT NULL,
    "handleTimeSeconds" DOUBLE PRECISION,
    "seq" INTEGER NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "automationId" INTEGER,
    "automationVersionId" TEXT,
    "versionId" TEXT,
    "sender" TEXT,
    "type" "InteractionType" NOT NULL,
    "escalated" BOOLEAN NOT NULL,
    "outcome" "Outcome",
    "sentimentScore" DOUBLE PRECISION,
    "csatScore" SMALLINT,

    CONSTRAINT "InteractionTopic_pkey" PRIMARY KEY ("accountId","interactionId","name")
);

-- CreateTable
CREATE TABLE "InteractionIssue" (
    "accountId" TEXT NOT NULL,
    "interactionId" BIGINT NOT NULL,
    "issue" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "automationId" INTEGER,
    "automationVersionId" TEXT,
    "versionId" TEXT,
    "sender" TEXT,
    "escalated" BOOLEAN NOT NULL,
    "outcome" "Outcome",

    CONSTRAINT "InteractionIssue_pkey" PRIMARY KEY ("accountId","interactionId","issue")
);

-- CreateTable
CREATE TABLE "FunnelView" (
    "accountId" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "automationId" INTEGER NOT NULL,
    "versionId" TEXT,
    "steps" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FunnelView_pkey" PRIMARY KEY ("accountId","id")
);

-- CreateTable
CREATE TABLE "DefaultFunnelView" (
    "accountId" TEXT NOT NULL,
    "viewId" TEXT NOT NULL,

    CONSTRAINT "DefaultFunnelView_pkey" PRIMARY KEY ("accountId")
);

-- CreateTable
CREATE TABLE "RateCard" (
    "accountId" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "agentPerMinute" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RateCard_pkey" PRIMARY KEY ("accountId")
);

-- CreateTable
CREATE TABLE "RateCardChannel" (
    "accountId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "outboundMessage" DOUBLE PRECISION NOT NULL,
    "inboundMessage" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "RateCardChannel_pkey" PRIMARY KEY ("accountId","channel")
);

-- CreateTable
CREATE TABLE "RateCardAutomation" (
    "accountId" TEXT NOT NULL,
    "automationType" "AutomationType" NOT NULL,
    "perInteraction" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "RateCardAutomation_pkey" PRIMARY KEY ("accountId","automationType")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "Automation_accountId_externalId_key" ON "Automation"("accountId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "EndUser_accountId_externalId_key" ON "EndUser"("accountId", "externalId");

-- CreateIndex
CREATE INDEX "Interaction_accountId_startedAt_idx" ON "Interaction"("accountId", "startedAt");

-- CreateIndex
CREATE INDEX "Interaction_accountId_automationId_startedAt_idx" ON "Interaction"("accountId", "automationId", "startedAt");

-- CreateIndex
CREATE INDEX "Interaction_accountId_automationVersionId_startedAt_idx" ON "Interaction"("accountId", "automationVersionId", "startedAt");

-- CreateIndex
CREATE INDEX "Interaction_accountId_versionId_startedAt_idx" ON "Interaction"("accountId", "versionId", "startedAt");

-- CreateIndex
CREATE INDEX "Interaction_accountId_sender_startedAt_idx" ON "Interaction"("accountId", "sender", "startedAt");

-- CreateIndex
CREATE INDEX "Interaction_accountId_endUserId_idx" ON "Interaction"("accountId", "endUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Interaction_accountId_externalId_key" ON "Interaction"("accountId", "externalId");

-- CreateIndex
CREATE INDEX "InteractionChannel_accountId_startedAt_idx" ON "InteractionChannel"("accountId", "startedAt");

-- CreateIndex
CREATE INDEX "InteractionStep_accountId_automationId_startedAt_idx" ON "InteractionStep"("accountId", "automationId", "startedAt");

-- CreateIndex
CREATE INDEX "InteractionTopic_accountId_startedAt_idx" ON "InteractionTopic"("accountId", "startedAt");

-- CreateIndex
CREATE INDEX "InteractionTopic_accountId_name_startedAt_idx" ON "InteractionTopic"("accountId", "name", "startedAt");

-- CreateIndex
CREATE INDEX "InteractionIssue_accountId_startedAt_idx" ON "InteractionIssue"("accountId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DefaultFunnelView_accountId_viewId_key" ON "DefaultFunnelView"("accountId", "viewId");
