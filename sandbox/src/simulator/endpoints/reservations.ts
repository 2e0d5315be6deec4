import { decodeCursor, filterParams, offsetPage, pageNumberOf, pageSizeOf, taskRouterPageMeta } from '../paging';
import { renderReservation } from '../render';
import type { ApiRequest } from './request';
import { requireTask } from './tasks';

const RESERVATIONS_TOKEN_PREFIX = 'PR';

/** GET …/Tasks/{WT}/Reservations: filtered by ReservationStatus and WorkerSid, paged by offset. */
export function listReservations(request: ApiRequest, taskSid: string): Record<string, unknown> {
  const { core, baseUrl, url } = request;
  const task = requireTask(core, taskSid, url);
  const pageSize = pageSizeOf(url);
  const page = pageNumberOf(url);
  const cursor = decodeCursor(RESERVATIONS_TOKEN_PREFIX, url.searchParams.get('PageToken'));
  const status = url.searchParams.get('ReservationStatus');
  const workerSid = url.searchParams.get('WorkerSid');
  const matching = task.reservations.filter(
    (r) => (status === null || r.status === status) && (workerSid === null || r.workerSid === workerSid),
  );
  const result = offsetPage(matching, cursor, pageSize, page);
  const path = `/v1/Workspaces/${core.store.workspaceSid}/Tasks/${task.sid}/Reservations`;
  const filters = filterParams(url);
  return {
    reservations: result.items.map((r) => renderReservation(r, task, core.store, { base: baseUrl })),
    meta: taskRouterPageMeta(
      {
        base: baseUrl,
        path,
        filters,
        pageSize,
        page,
        token: url.searchParams.get('PageToken') ?? undefined,
        key: 'reservations',
        prefix: RESERVATIONS_TOKEN_PREFIX,
      },
      result,
    ),
  };
}
