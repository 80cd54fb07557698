/**
 * Events as the AWS documentation describes them for each service (field names, header casing,
 * joined or multi-value headers, cookies), with this suite's origins and paths. Each builder
 * takes the request's header lines as a client sent them.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
 */
import type { ALBEvent, APIGatewayProxyEvent, APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';

type Lines = readonly (readonly [string, string])[];

/** API Gateway REST API, payload 1.0: the client's casing; `headers` keeps the last line, `multiValueHeaders` all. */
export function restEvent(method: string, path: string, lines: Lines): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of lines) {
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return {
    resource: '/{proxy+}',
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'id',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '192.0.2.1',
        user: null,
        userAgent: 'Mozilla/5.0',
        userArn: null,
      },
      path: `/prod${path}`,
      stage: 'prod',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1428582896000,
      resourceId: '123456',
      resourcePath: '/{proxy+}',
    },
    body: null,
    isBase64Encoded: false,
  };
}

/** HTTP API or Function URL, payload 2.0: lower-case names, repeated lines joined with `,`, cookies apart. */
export function httpEvent(method: string, path: string, lines: Lines, cookies?: string[]): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of lines) {
    const key = name.toLowerCase();
    headers[key] = key in headers ? `${headers[key]},${value}` : value;
  }
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-id',
      domainName: 'id.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'id',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'agent' },
      requestId: 'id',
      routeKey: '$default',
      stage: '$default',
      time: '12/Mar/2020:19:03:58 +0000',
      timeEpoch: 1583348638390,
    },
    isBase64Encoded: false,
  };
  if (cookies !== undefined) event.cookies = cookies;
  return event;
}

/** ALB: lower-case names; `headers` with the last line, or `multiValueHeaders` when the target group has them on. */
export function albEvent(method: string, path: string, lines: Lines, multiValue = false): ALBEvent {
  const event: ALBEvent = {
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/lambda-279XGJDqGZ5rsrHC2Fjr/49e9d65c45c6791a' } },
    httpMethod: method,
    path,
    body: '',
    isBase64Encoded: false,
  };
  if (multiValue) {
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [name, value] of lines) (multiValueHeaders[name.toLowerCase()] ??= []).push(value);
    event.multiValueHeaders = multiValueHeaders;
    event.multiValueQueryStringParameters = {};
  } else {
    const headers: Record<string, string> = {};
    for (const [name, value] of lines) headers[name.toLowerCase()] = value;
    event.headers = headers;
    event.queryStringParameters = {};
  }
  return event;
}

/** Not an HTTP request: an SQS batch. */
export const sqsEvent: SQSEvent = {
  Records: [
    {
      messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
      receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
      body: 'test',
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1545082649183', SenderId: 'AIDAIENQZJOLO23YVJ4VO', ApproximateFirstReceiveTimestamp: '1545082649185' },
      messageAttributes: {},
      md5OfBody: '098f6bcd4621d373cade4e832627b4f6',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-2:123456789012:my-queue',
      awsRegion: 'us-east-2',
    },
  ],
};
