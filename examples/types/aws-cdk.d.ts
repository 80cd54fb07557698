// The slice of aws-cdk-lib the Lambda guide's CDK snippet uses, so CI type-checks it without
// installing aws-cdk-lib. The names and option shapes are CDK v2's; only what the snippet needs.
declare module 'constructs' {
  export class Construct {
    constructor(scope: Construct | undefined, id: string);
  }
}

declare module 'aws-cdk-lib' {
  import { Construct } from 'constructs';
  export class App extends Construct {
    constructor();
  }
  export class Stack extends Construct {
    constructor(scope: Construct, id: string);
  }
}

declare module 'aws-cdk-lib/aws-lambda' {
  export enum FunctionUrlAuthType {
    AWS_IAM = 'AWS_IAM',
    NONE = 'NONE',
  }
  export interface FunctionUrlCorsOptions {
    readonly allowedOrigins?: string[];
    readonly allowCredentials?: boolean;
  }
  export interface FunctionUrlOptions {
    readonly authType?: FunctionUrlAuthType;
    /** Leave it out when the function answers CORS itself. */
    readonly cors?: FunctionUrlCorsOptions;
  }
  export interface FunctionUrl {
    readonly url: string;
  }
  export interface IFunction {
    addFunctionUrl(options?: FunctionUrlOptions): FunctionUrl;
  }
}

declare module 'aws-cdk-lib/aws-lambda-nodejs' {
  import { Construct } from 'constructs';
  import type { FunctionUrl, FunctionUrlOptions, IFunction } from 'aws-cdk-lib/aws-lambda';
  export interface NodejsFunctionProps {
    readonly entry?: string;
    readonly handler?: string;
    readonly environment?: Record<string, string>;
  }
  export class NodejsFunction extends Construct implements IFunction {
    constructor(scope: Construct, id: string, props?: NodejsFunctionProps);
    addFunctionUrl(options?: FunctionUrlOptions): FunctionUrl;
  }
}

declare module 'aws-cdk-lib/aws-apigatewayv2' {
  import { Construct } from 'constructs';
  export interface HttpRouteIntegration {
    readonly id: string;
  }
  export interface CorsPreflightOptions {
    readonly allowOrigins?: string[];
  }
  export interface HttpApiProps {
    readonly defaultIntegration?: HttpRouteIntegration;
    /** Leave it out when the function answers CORS itself. */
    readonly corsPreflight?: CorsPreflightOptions;
  }
  export class HttpApi extends Construct {
    constructor(scope: Construct, id: string, props?: HttpApiProps);
    readonly url: string | undefined;
  }
}

declare module 'aws-cdk-lib/aws-apigatewayv2-integrations' {
  import type { IFunction } from 'aws-cdk-lib/aws-lambda';
  import type { HttpRouteIntegration } from 'aws-cdk-lib/aws-apigatewayv2';
  export class HttpLambdaIntegration implements HttpRouteIntegration {
    constructor(id: string, handler: IFunction);
    readonly id: string;
  }
}
