import userEvent from '@testing-library/user-event';

/**
 * user-event without its pause between actions: the pause lets background work (scan pages, row
 * chunks) run outside React's act(), which React 17 reports as warnings; tests wait for what the user
 * would see with findBy/waitFor instead.
 */
export function setupUser() {
  return userEvent.setup({ delay: null });
}
