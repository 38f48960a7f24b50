// @vitest-environment happy-dom
// Issue 10, finding 12: the console takes lines as long as the protocol allows (65,536) and says so, rather than cutting a paste at 1,000; the raw proposal says its own limit the same way.
import { act as rAct, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_LINE_LENGTH } from '../../src/core/broker/protocol';
import { finishTask, getDriver, runUntilLeader, seek } from '../../src/store/sim';
import { ClientPanel } from '../../src/ui/ClientPanel';
import { freshRun } from './helpers';

function run(fn: () => void): void {
  rAct(() => {
    fn();
    finishTask();
  });
}

beforeEach(() => freshRun({ seed: 1, nodes: 3 }));
afterEach(() => cleanup());

describe('console line limit', () => {
  it('a pasted line of 5,000 characters is sent whole and stored whole (it was cut at 1,000)', () => {
    render(<ClientPanel />);
    run(runUntilLeader);
    const leader = getDriver().cluster.leader()!;
    fireEvent.change(screen.getByRole('combobox', { name: 'At node' }), { target: { value: leader } });
    const input = screen.getByRole('textbox', { name: 'Protocol line' }) as HTMLInputElement;
    // Nothing in the input cuts a paste silently.
    expect(input.maxLength === -1 || input.maxLength >= MAX_LINE_LENGTH).toBe(true);
    const message = 'x'.repeat(5000);
    fireEvent.change(input, { target: { value: `PUB big ${message}` } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    run(() => seek(getDriver().now + 300));
    const sent = getDriver().allActions().filter((a) => a.op === 'command');
    expect(sent.map((a) => (a.args[1] as string).length)).toEqual([`PUB big ${message}`.length]);
    expect(getDriver().cluster.history(leader, 'big').map((r) => r.message)).toEqual([message]);
  });

  it('a line over 65,536 characters is not sent: the console says how long it is and what the limit is', () => {
    render(<ClientPanel />);
    const input = screen.getByRole('textbox', { name: 'Protocol line' });
    fireEvent.change(input, { target: { value: `PUB big ${'y'.repeat(MAX_LINE_LENGTH)}` } });
    expect(screen.getByRole('alert').textContent).toMatch(/65,544 characters.*at most 65,536/);
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(input, { target: { value: 'PING' } });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('a raw proposal over 2,000 characters is not cut short: nothing is proposed, and the panel says how long it is and what the limit is', () => {
    render(<ClientPanel />);
    run(runUntilLeader);
    const input = screen.getByRole('textbox', { name: 'Command' }) as HTMLInputElement;
    expect(input.maxLength === -1 || input.maxLength > 3000).toBe(true);
    fireEvent.change(input, { target: { value: 'z'.repeat(3003) } });
    expect(input.value).toHaveLength(3003);
    expect(screen.getByRole('alert').textContent).toMatch(/3,003 characters.*at most 2,000/);
    expect((screen.getByRole('button', { name: 'Propose' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.submit(input.closest('form')!);
    expect(getDriver().allActions().filter((a) => a.op === 'propose')).toEqual([]);
    fireEvent.change(input, { target: { value: 'set x=1' } });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('the reply to a line the learner sent is read out (a status region), not the rest of the transcript', () => {
    render(<ClientPanel />);
    run(runUntilLeader);
    const leader = getDriver().cluster.leader()!;
    fireEvent.change(screen.getByRole('combobox', { name: 'At node' }), { target: { value: leader } });
    expect(screen.getByTestId('console-reply').textContent).toBe('');
    fireEvent.change(screen.getByRole('textbox', { name: 'Protocol line' }), { target: { value: 'PING' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    run(() => seek(getDriver().now + 300));
    expect(screen.getByTestId('console-reply').textContent).toBe(`${leader} answered: PONG`);
    expect(screen.getByTestId('console-reply').getAttribute('role')).toBe('status');
  });
});
