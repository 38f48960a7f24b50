// @vitest-environment happy-dom
// Issue 10: the config panel says when a valid setting will not work as a learner expects (heartbeat ≥ election timeout, equal timeout bounds), and why.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigPanel } from '../../src/ui/ConfigPanel';
import { freshRun } from './helpers';

beforeEach(() => freshRun({ seed: 1, nodes: 3 }));
afterEach(() => cleanup());

describe('config warnings', () => {
  it('none for the defaults; heartbeat ≥ the shortest election timeout and equal bounds each get a visible reason; fixing them clears it', () => {
    render(<ConfigPanel />);
    expect(screen.queryAllByTestId('config-warning')).toEqual([]);
    fireEvent.change(screen.getByRole('textbox', { name: 'Election timeout min (ms)' }), { target: { value: '200' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Election timeout max (ms)' }), { target: { value: '200' } });
    fireEvent.change(screen.getByRole('textbox', { name: /Heartbeat every/ }), { target: { value: '250' } });
    const shown = screen.getAllByTestId('config-warning').map((p) => p.textContent);
    expect(shown).toHaveLength(2);
    expect(shown[0]).toMatch(/^⚠ The heartbeat \(250 ms\) is not shorter than the shortest election timeout \(200 ms\).*start an election against a healthy leader/);
    expect(shown[1]).toMatch(/^⚠ The election timeout has equal bounds \(200 ms\).*split the vote/);
    fireEvent.change(screen.getByRole('textbox', { name: /Heartbeat every/ }), { target: { value: '50' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Election timeout max (ms)' }), { target: { value: '400' } });
    expect(screen.queryAllByTestId('config-warning')).toEqual([]);
  });
});
