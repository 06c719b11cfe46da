import { describe, expect, it, vi } from 'vitest';
import { createLeaveGuard } from './leave-guard';

function setup(saved = true) {
  const asked: (string | null)[] = [];
  const guard = createLeaveGuard((scriptId) => asked.push(scriptId));
  const save = vi.fn(() => Promise.resolve(saved));
  const leave = vi.fn();
  return { guard, asked, save, leave };
}

describe('leave guard', () => {
  it('leaves at once when nothing is unsaved', () => {
    const { guard, asked, leave } = setup();
    guard.leave(leave);
    expect(leave).toHaveBeenCalledTimes(1);
    expect(asked).toEqual([]);
  });

  it('asks instead of leaving while the open script has unsaved work', () => {
    const { guard, asked, save, leave } = setup();
    guard.setWork({ scriptId: 'geo-block', save });
    guard.leave(leave);
    expect(leave).not.toHaveBeenCalled();
    expect(asked).toEqual(['geo-block']);
  });

  it('Cancel stays and keeps the work guarded', async () => {
    const { guard, asked, save, leave } = setup();
    guard.setWork({ scriptId: 'geo-block', save });
    guard.leave(leave);
    await guard.choose('cancel');
    expect(leave).not.toHaveBeenCalled();
    expect(save).not.toHaveBeenCalled();
    expect(asked).toEqual(['geo-block', null]);
    expect(guard.hasUnsavedWork()).toBe(true);
  });

  it('Discard leaves without saving', async () => {
    const { guard, save, leave } = setup();
    guard.setWork({ scriptId: 'geo-block', save });
    guard.leave(leave);
    await guard.choose('discard');
    expect(save).not.toHaveBeenCalled();
    expect(leave).toHaveBeenCalledTimes(1);
  });

  it('Save saves, then leaves', async () => {
    const { guard, save, leave } = setup();
    guard.setWork({ scriptId: 'geo-block', save });
    guard.leave(leave);
    await guard.choose('save');
    expect(save).toHaveBeenCalledTimes(1);
    expect(leave).toHaveBeenCalledTimes(1);
  });

  it('a failed save stays on the script', async () => {
    const { guard, save, leave } = setup(false);
    guard.setWork({ scriptId: 'geo-block', save });
    guard.leave(leave);
    await guard.choose('save');
    expect(save).toHaveBeenCalledTimes(1);
    expect(leave).not.toHaveBeenCalled();
    expect(guard.hasUnsavedWork()).toBe(true);
  });

  it('leaves at once again once the work is saved or closed', () => {
    const { guard, asked, save, leave } = setup();
    guard.setWork({ scriptId: 'geo-block', save });
    guard.setWork(null);
    guard.leave(leave);
    expect(leave).toHaveBeenCalledTimes(1);
    expect(asked).toEqual([]);
  });

  it('opening the script that is open again (a line to reveal) does not ask', () => {
    const { guard, asked, save, leave } = setup();
    guard.setWork({ scriptId: 'geo-block', save });
    guard.openScript('geo-block', leave);
    expect(leave).toHaveBeenCalledTimes(1);
    guard.openScript('rate-limit', leave);
    expect(leave).toHaveBeenCalledTimes(1);
    expect(asked).toEqual(['geo-block']);
  });
});
