-- An interaction's steps move from a row of their own (InteractionSteps, with copies of the
-- interaction's filter columns, its key and an index) into columns of the interaction: importing
-- an interaction with steps wrote a second heap tuple and two more index entries for them. Stored
-- interactions keep their steps: they are copied over before the table goes.

-- AlterTable
ALTER TABLE "Interaction" ADD COLUMN     "firstDialog" INTEGER,
ADD COLUMN     "lastDialog" INTEGER,
ADD COLUMN     "stepAts" TIMESTAMPTZ(3)[],
ADD COLUMN     "stepKinds" "StepKind"[],
ADD COLUMN     "stepNames" TEXT[];

UPDATE "Interaction" i
   SET "stepKinds" = s.kinds, "stepNames" = s.names, "stepAts" = s.ats, "firstDialog" = s."firstDialog", "lastDialog" = s."lastDialog"
  FROM "InteractionSteps" s
 WHERE s."accountId" = i."accountId" AND s."interactionId" = i.id;

-- DropTable
DROP TABLE "InteractionSteps";
