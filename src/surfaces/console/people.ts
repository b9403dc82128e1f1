// The people of the console's person switcher. They are plain console user ids with a name: holding a
// role is the incident's business (declaring makes you IC; the IC assigns; anyone takes an empty role).
// The switcher means the console trusts whoever reaches it, which is why it binds to loopback.

export type Person = { id: string; name: string; hint: string };

export const PEOPLE: readonly Person[] = [
  { id: 'ic', name: 'IC', hint: 'the Incident Commander' },
  { id: 'ops', name: 'Ops', hint: 'the Ops lead' },
  { id: 'sec', name: 'Sec', hint: 'the Security lead' },
  { id: 'orgo', name: 'Orgo', hint: 'the Orgo lead' },
  { id: 'konnaxion', name: 'Konnaxion', hint: 'the Konnaxion lead' },
  { id: 'architect', name: 'Architect', hint: 'the Architect' },
  { id: 'swarmcraft', name: 'SwarmCraft', hint: 'the SwarmCraft lead' },
  { id: 'guest', name: 'Someone with no role', hint: 'to try the role gates' },
];

export const DEFAULT_PERSON = PEOPLE[0]!.id;

export const personName = (id: string): string => PEOPLE.find((p) => p.id === id)?.name ?? id;

/** A person id from a request: one of the switcher's, or the default. */
export const personOf = (id: string | null | undefined): string => PEOPLE.find((p) => p.id === id)?.id ?? DEFAULT_PERSON;
