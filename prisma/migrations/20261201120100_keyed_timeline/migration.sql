-- The timeline chain is keyed (HMAC-SHA256) from event `keyed_from` on. Chains begun before keys
-- keep their plain SHA-256 prefix, which the first keyed event pins through its previous hash.
ALTER TABLE "incidents" ADD COLUMN "keyed_from" INTEGER NOT NULL DEFAULT 1;
UPDATE "incidents" SET "keyed_from" = "timeline_seq" + 1;
