import { describe, expect, it } from '@jest/globals';
import { BUILT_IN_MODELS, validateModelDefinition, type ModelDefinition } from '../src/index.js';

/**
 * Every state of a model version must lead to a closing (terminal) state: a case in a state from which none can be
 * reached can never be closed, so it stays open, counted and escalating, and no retention rule ever applies to it.
 * Each state having some way out (STATE_DEAD_END) is not enough: a loop without an exit passes that check. Checked
 * when a version is published; a version stored before the rule still loads, or the router would not start.
 */

function model(change: (def: { states: { id: string; title: string; terminal?: boolean; retentionClass?: string }[]; transitions: { name: string; from: string[]; to: string; rolesAllowed: string[] }[] }) => void): ModelDefinition {
  const def = {
    id: 'groepsaanpak',
    version: 1,
    title: 'Groepsaanpak',
    description: 'Voor tests',
    initialState: 'stap-1',
    states: [
      { id: 'stap-1', title: 'Stap 1' },
      { id: 'stap-4', title: 'Stap 4' },
      { id: 'stap-5', title: 'Stap 5' },
      { id: 'afgesloten', title: 'Afgesloten', terminal: true, retentionClass: 'standaard' },
    ],
    transitions: [
      { name: 'naar-4', from: ['stap-1'], to: 'stap-4', rolesAllowed: ['coordinator'] },
      { name: 'naar-5', from: ['stap-4'], to: 'stap-5', rolesAllowed: ['coordinator'] },
      { name: 'terug-naar-4', from: ['stap-5'], to: 'stap-4', rolesAllowed: ['coordinator'] },
      { name: 'afsluiten', from: ['stap-5'], to: 'afgesloten', rolesAllowed: ['coordinator'] },
    ],
    deadlines: [],
  };
  change(def);
  return def as unknown as ModelDefinition;
}

const problemsOf = (def: ModelDefinition) => validateModelDefinition(def, { publishing: true }).filter((p) => p.code === 'STATE_CANNOT_CLOSE');

describe('publishing a model version', () => {
  it('accepts one where every state leads, over any path, to a closing state', () => {
    expect(validateModelDefinition(model(() => undefined), { publishing: true })).toEqual([]);
  });

  it('refuses one with a loop no case can leave, naming each state caught in it', () => {
    const looping = model((d) => (d.transitions = d.transitions.filter((t) => t.name !== 'afsluiten')));
    expect(problemsOf(looping).map((p) => [p.path, p.message])).toEqual([
      ['states[0]', expect.stringContaining('no closing state can be reached from state "stap-1"')],
      ['states[1]', expect.stringContaining('"stap-4"')],
      ['states[2]', expect.stringContaining('"stap-5"')],
    ]);
  });

  it('refuses one without any closing state', () => {
    const endless = model((d) => {
      d.states = d.states.filter((s) => !s.terminal);
      d.transitions = d.transitions.filter((t) => t.name !== 'afsluiten');
    });
    expect(problemsOf(endless)).toHaveLength(3);
  });

  it('still loads such a version when it was stored before the rule', () => {
    const looping = model((d) => (d.transitions = d.transitions.filter((t) => t.name !== 'afsluiten')));
    expect(validateModelDefinition(looping).filter((p) => p.code === 'STATE_CANNOT_CLOSE')).toEqual([]);
  });

  it.each(BUILT_IN_MODELS.map((m) => [`${m.id} v${m.version}`, m] as const))('lets every case of the built-in %s be closed', (_name, m) => {
    expect(problemsOf(m)).toEqual([]);
  });
});
