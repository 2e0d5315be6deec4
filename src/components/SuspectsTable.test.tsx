import { screen, waitFor, within } from '@testing-library/react';
import { FakeFunctions } from '../test/fakeFunctions';
import { makeMessagingSuspect, makeSuspect, scanPages } from '../test/fixtures';
import { renderView } from '../test/renderView';

describe('the rows of ended conversations', () => {
  it('say which conversation on which channel, and how long ago it closed', async () => {
    const closed = makeMessagingSuspect(31, {
      channelType: 'whatsapp',
      conversationEndedAt: new Date(Date.now() - 14 * 60_000).toISOString(),
    });
    const deleted = makeMessagingSuspect(32, { conversationState: 'deleted', conversationEndedAt: null });
    const service = new FakeFunctions().serveScan(scanPages([makeSuspect(1), closed, deleted]));
    renderView(service);
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(/Scan finished/));

    const table = screen.getByRole('table', { name: 'Ended conversations' });
    const rowOf = (taskSid: string) =>
      within(table)
        .getAllByRole('row')
        .find((row) => row.textContent?.includes(taskSid))!;
    const closedRow = within(rowOf(closed.taskSid));
    expect(closedRow.getByText('Conversation closed')).toBeInTheDocument();
    expect(closedRow.getByText(closed.conversationSid!)).toBeInTheDocument();
    expect(closedRow.getByText(/whatsapp/)).toBeInTheDocument();
    // Not "Unknown": the conversation's close is the end the supervisor needs.
    expect(closedRow.getByText('14 min ago')).toBeInTheDocument();
    const deletedRow = within(rowOf(deleted.taskSid));
    expect(deletedRow.getByText('Conversation deleted')).toBeInTheDocument();
    expect(deletedRow.getByText(deleted.conversationSid!)).toBeInTheDocument();
    expect(deletedRow.getByText('Unknown')).toBeInTheDocument();
  });
});
