import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiErrors, Answers, TakesJson } from '../api/openapi';
import { AdminRoutes } from '../auth/routes';
import { EnvironmentsService } from './environments.service';
import { CreateEnvironmentRequest, EnvironmentResponse, UpdateEnvironmentRequest } from './environment.dto';

@Controller('admin/environments')
@AdminRoutes('admin')
export class EnvironmentsController {
  constructor(private readonly environments: EnvironmentsService) {}

  @Post()
  @HttpCode(201)
  @TakesJson(CreateEnvironmentRequest)
  @Answers(201, EnvironmentResponse, 'The environment')
  @ApiErrors(409)
  createEnvironment(@Body() body: CreateEnvironmentRequest): Promise<EnvironmentResponse> {
    return this.environments.createEnvironment(body);
  }

  @Get(':id')
  @Answers(200, EnvironmentResponse, 'The environment')
  @ApiErrors(404)
  getEnvironment(@Param('id') id: string): Promise<EnvironmentResponse> {
    return this.environments.getEnvironment(id);
  }

  @Patch(':id')
  @TakesJson(UpdateEnvironmentRequest)
  @Answers(200, EnvironmentResponse, 'The environment as changed')
  @ApiErrors(404)
  updateEnvironment(@Param('id') id: string, @Body() body: UpdateEnvironmentRequest): Promise<EnvironmentResponse> {
    return this.environments.updateEnvironment(id, body);
  }
}
