# A lottery result row is looked up by (round, score) in rank order instead of by receipt number, so
# the draw appends to its indexes (see LotteryResult.Meta in allocation/models/lottery.py).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("allocation", "0002_lottery_rows_without_fk"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="lotteryresult",
            name="allocation_result_once",
        ),
        migrations.AddIndex(
            model_name="lotteryresult",
            index=models.Index(fields=["lottery", "priority_round", "score"], name="allocation_result_order"),
        ),
    ]
