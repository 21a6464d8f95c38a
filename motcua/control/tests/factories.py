"""Control plan rows for tests."""

import datetime as dt

import factory

from motcua.control.models import ControlPlan, PlanTask, TaskGroup
from motcua.org.tests.factories import AgencyFactory


class ControlPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ControlPlan

    issuing_agency = factory.SubFactory(AgencyFactory)
    year = 2026
    title = factory.LazyAttribute(lambda o: f"Kế hoạch kiểm soát TTHC năm {o.year}")


class TaskGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskGroup

    plan = factory.SubFactory(ControlPlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Nhóm {n}")


class PlanTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanTask

    group = factory.SubFactory(TaskGroupFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Nhiệm vụ {n}")
    owner_agency = factory.SubFactory(AgencyFactory)
    deadline = dt.date(2026, 6, 30)
