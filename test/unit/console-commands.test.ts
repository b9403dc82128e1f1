// The console's command box speaks Slack's /incident grammar: the same subcommands and arguments,
// with or without "/incident", people named by their console id; a wrong command says how to write it.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import { COMMANDS, plain } from '../../src/core/views/rich-text.js';
import { HELP, parseCommand } from '../../src/surfaces/console/command-grammar.js';

describe('the command box', () => {
  it.each<[string, ReturnType<typeof parseCommand>]>([
    ['', { name: 'help' }],
    ['/incident declare Bad pack on stable', { name: 'declare', title: 'Bad pack on stable' }],
    ['assign ops @ops', { name: 'assign', role: 'ops', userId: 'ops' }],
    ['assign sec sec', { name: 'assign', role: 'sec', userId: 'sec' }],
    ['severity SEV1 spreading to more tenants', { name: 'severity', level: 'SEV1', reason: 'spreading to more tenants' }],
    ['severity sev2', { name: 'severity', level: 'sev2', reason: null }],
    ['checklist recovery', { name: 'checklist', which: 'recovery' }],
    ['checklist', { name: 'checklist', which: null }],
    ['playbook 6.1 6.7', { name: 'playbook', ids: ['6.1', '6.7'] }],
    ['case https://orgo.example/cases/1', { name: 'case', link: 'https://orgo.example/cases/1' }],
    ['reopen the fix did not hold', { name: 'reopen', reason: 'the fix did not hold' }],
    ['postmortem edit', { name: 'postmortem', edit: true }],
    ['postmortem', { name: 'postmortem', edit: false }],
    ['followup', { name: 'followup', verb: 'list' }],
    ['followup add', { name: 'followup', verb: 'add' }],
    ['followup done #2', { name: 'followup', verb: 'done', seq: 2 }],
    ['STATUS', { name: 'status' }],
  ])('reads "%s"', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each([
    ['assign ops', 'assign <role> @person'],
    ['assign ops @<script>', 'Name the person as @id'],
    ['severity', 'severity SEV<0-4> [reason]'],
    ['case', 'case <link>'],
    ['followup done x', 'followup done <number>'],
    ['frobnicate', '"frobnicate" is not an incident command'],
  ])('refuses "%s", saying how to write it', (text, hint) => {
    expect(() => parseCommand(text)).toThrow(DomainError);
    expect(() => parseCommand(text)).toThrow(hint);
  });

  it('documents every command Slack has', () => {
    const help = plain(HELP);
    for (const name of COMMANDS.filter((c) => c !== 'close')) expect(help).toContain(name);
  });
});
