// The timeline key of the tests' repositories, and the keying of a chain begun with keys.
import type { ChainKeying } from '../../src/core/timeline/chain.js';

export const TEST_TIMELINE_KEY = 'test-timeline-key-0123456789abcdef0123456789';
export const TEST_KEYING: ChainKeying = { key: TEST_TIMELINE_KEY, keyedFrom: 1 };
