import { DomainError, ErrorKind, ReportsErrors, StatisticsErrors } from '@site11/contracts';

export class ReportNotFoundError extends DomainError {
  constructor(id: string) {
    super(ReportsErrors.notFound, ErrorKind.NotFound, `Report ${id} does not exist`);
  }
}

export const reportNotReady = (status: string) =>
  new DomainError(ReportsErrors.notReady, ErrorKind.Aborted, `The report is ${status}: there is no file to download`);

export const tooManyReports = (limit: number) =>
  new DomainError(ReportsErrors.tooManyReports, ErrorKind.ResourceExhausted, `You have ${limit} reports queued or running; wait for one to finish`);

export const invalidReportRange = (message: string) => new DomainError(StatisticsErrors.invalidRange, ErrorKind.InvalidArgument, message);
