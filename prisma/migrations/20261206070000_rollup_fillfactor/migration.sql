-- Rollup rows are updated in place by every batch that adds to them: importing 1 M interactions
-- updated the daily topic rows 85 k times. On pages filled to the brim, two thirds of those
-- updates found no room on their row's page, so each wrote its new row version elsewhere with a
-- new index entry, and left the old one dead until vacuum (1,533 pages for 11 k daily topic rows).
-- On half-full pages nearly every update stays on its page (a HOT update: no index entry, and the
-- dead versions are reclaimed in place), and the table stays small (520 pages). docs/decisions.md
-- has what it gained and cost. Pages written before this keep their fill.
ALTER TABLE "DailyInteractionRollup" SET (fillfactor = 50);
ALTER TABLE "DailyTopicRollup" SET (fillfactor = 50);
ALTER TABLE "DailyIssueRollup" SET (fillfactor = 50);
ALTER TABLE "DailyChannelRollup" SET (fillfactor = 50);
ALTER TABLE "HourlyInteractionRollup" SET (fillfactor = 50);
ALTER TABLE "HourlyChannelRollup" SET (fillfactor = 50);
