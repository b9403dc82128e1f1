// Incident channel names: `inc-<number>-<slug of the title>`, valid for Slack whatever was typed.
import { describe, expect, it } from 'vitest';
import { incidentChannelName, slug } from '../../src/surfaces/slack/channel-name.js';

/** Slack: lowercase letters, digits, hyphens and underscores; at most 80 characters. */
const SLACK_CHANNEL = /^[a-z0-9_-]{1,80}$/;

const TITLES = [
  'Signing key exposed',
  'Défaillance du déploiement à Zürich — ÉTAPE 2',
  'PROD DOWN!!! (again) :( #ops',
  '🔥🔥 Render trace failures 🔥',
  '障害: テナント分離',
  '  --leading and trailing--  ',
  'a'.repeat(300),
  `${'word '.repeat(40)}end`,
  'İstanbul ŞEHİR çöküş ñandú',
];

describe('incidentChannelName', () => {
  it('is inc-<number>-<slug of the title>', () => {
    expect(incidentChannelName(12, 'Signing key exposed')).toBe('inc-12-signing-key-exposed');
  });

  it('lowercases and collapses punctuation and spaces into single hyphens', () => {
    expect(incidentChannelName(3, 'PROD DOWN!!! (again) :( #ops')).toBe('inc-3-prod-down-again-ops');
  });

  it('strips accents rather than dropping the letters', () => {
    expect(incidentChannelName(7, 'Défaillance du déploiement à Zürich')).toBe('inc-7-defaillance-du-deploiement-a-zurich');
    expect(slug('Ñandú Çà')).toBe('nandu-ca');
  });

  it('is just inc-<number> when nothing of the title survives', () => {
    expect(incidentChannelName(4, '障害!!!')).toBe('inc-4');
    expect(incidentChannelName(4, '障害!!!', 2)).toBe('inc-4-2');
  });

  it.each(TITLES)('is a valid Slack channel name for %j, at any attempt', (title) => {
    for (const n of [1, 42, 99_999]) {
      for (const attempt of [1, 2, 10, 123]) {
        const name = incidentChannelName(n, title, attempt);
        expect(name).toMatch(SLACK_CHANNEL);
        expect(name.startsWith(`inc-${n}`)).toBe(true);
        expect(name).not.toMatch(/--|-$/);
      }
    }
  });

  it('cuts a long title to fit 80 characters, keeping the number and the suffix', () => {
    const title = 'Konnaxion activation rollback failing across every stable channel for all regulated tenants in eu';
    const first = incidentChannelName(123, title);
    expect(first.length).toBeLessThanOrEqual(80);
    expect(first.length).toBeGreaterThan(70);
    expect(first.startsWith('inc-123-konnaxion-activation-rollback')).toBe(true);
    const retry = incidentChannelName(123, title, 17);
    expect(retry.length).toBeLessThanOrEqual(80);
    expect(retry.endsWith('-17')).toBe(true);
    expect(retry.startsWith('inc-123-konnaxion-activation-rollback')).toBe(true);
  });

  it('adds -2, -3, ... for later attempts, each name different', () => {
    const names = [1, 2, 3, 4].map((a) => incidentChannelName(5, 'Bad pack activated', a));
    expect(names).toEqual(['inc-5-bad-pack-activated', 'inc-5-bad-pack-activated-2', 'inc-5-bad-pack-activated-3', 'inc-5-bad-pack-activated-4']);
  });

  it('keeps attempts distinct even when the title fills the whole name', () => {
    const names = [1, 2, 3, 11, 12].map((a) => incidentChannelName(8, 'x'.repeat(200), a));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(80);
  });
});
