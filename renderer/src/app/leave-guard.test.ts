import { describe, expect, it, vi } from 'vitest';
import { createLeaveGuard } from './leave-guard';

function setup(saved = true) {
  const asked: (string | null)[] = [];
  const guard = createLeaveGuard((scriptId) => asked.push(scriptId));
  const save = vi.fn(() => Promise.resolve(saved));
  const discard = vi.fn();
  const leave = vi.fn();
  return { guard, asked, save, discard, leave, work: { scriptId: 'geo-block', save, discard } };
}

describe('leave guard', () => {
  it('leaves at once when nothing is unsaved', () => {
    const { guard, asked, leave } = setup();
    guard.leave(leave);
    expect(leave).toHaveBeenCalledTimes(1);
    expect(asked).toEqual([]);
  });

  it('asks instead of leaving while the open script has unsaved work', () => {
    const { work, guard, asked, leave } = setup();
    guard.setWork(work);
    guard.leave(leave);
    expect(leave).not.toHaveBeenCalled();
    expect(asked).toEqual(['geo-block']);
  });

  it('Cancel stays and keeps the work guarded', async () => {
    const { work, guard, asked, save, leave } = setup();
    guard.setWork(work);
    guard.leave(leave);
    await guard.choose('cancel');
    expect(leave).not.toHaveBeenCalled();
    expect(save).not.toHaveBeenCalled();
    expect(asked).toEqual(['geo-block', null]);
    expect(guard.hasUnsavedWork()).toBe(true);
  });

  it('Discard leaves without saving', async () => {
    const { work, guard, save, discard, leave } = setup();
    guard.setWork(work);
    guard.leave(leave);
    await guard.choose('discard');
    expect(save).not.toHaveBeenCalled();
    expect(discard).toHaveBeenCalledTimes(1);
    expect(leave).toHaveBeenCalledTimes(1);
  });

  it('Save saves, then leaves', async () => {
    const { work, guard, save, leave } = setup();
    guard.setWork(work);
    guard.leave(leave);
    await guard.choose('save');
    expect(save).toHaveBeenCalledTimes(1);
    expect(leave).toHaveBeenCalledTimes(1);
  });

  it('a failed save stays on the script', async () => {
    const { work, guard, save, leave } = setup(false);
    guard.setWork(work);
    guard.leave(leave);
    await guard.choose('save');
    expect(save).toHaveBeenCalledTimes(1);
    expect(leave).not.toHaveBeenCalled();
    expect(guard.hasUnsavedWork()).toBe(true);
  });

  it('leaves at once again once the work is saved or closed', () => {
    const { work, guard, asked, leave } = setup();
    guard.setWork(work);
    guard.setWork(null);
    guard.leave(leave);
    expect(leave).toHaveBeenCalledTimes(1);
    expect(asked).toEqual([]);
  });

  it('opening the script that is open again (a line to reveal) does not ask', () => {
    const { work, guard, asked, leave } = setup();
    guard.setWork(work);
    guard.openScript('geo-block', leave);
    expect(leave).toHaveBeenCalledTimes(1);
    guard.openScript('rate-limit', leave);
    expect(leave).toHaveBeenCalledTimes(1);
    expect(asked).toEqual(['geo-block']);
  });
});
